import EBSDCore
import Foundation
import Crystallography
import PatternSimulation

/// Energy bins of backscattered electrons, counted down from the incident
/// energy: bin i holds energies in (E₀ − (i + ½)w, E₀ − (i − ½)w] and its
/// Bloch-wave simulation runs at E₀ − i·w (the convention of EMsoft's
/// `Ehistmin`/`Ebinsize`, so a single 1 keV bin at 20 keV is EMsoft's
/// 19.5–20 keV bin).
public struct EnergyBins: Sendable, Hashable, Codable {
    /// Incident energy E₀ (keV).
    public var incident: Double
    /// Bin width w (keV).
    public var width: Double
    public var count: Int

    /// Bins of width `width` from `incident` down to `minimum` (keV, inclusive).
    public init(incident: Double, minimum: Double, width: Double = 1) {
        self.incident = incident
        self.width = width
        count = max(1, Int(((incident - minimum) / width + 1e-9).rounded(.down)) + 1)
    }

    /// The energy (keV) at which bin i is simulated.
    public func energy(_ i: Int) -> Double { incident - Double(i) * width }
    public var energies: [Double] { (0..<count).map(energy) }
    /// Lowest energy still counted (keV).
    public var lowerEdge: Double { incident - (Double(count) - 0.5) * width }

    /// The bin of an exit energy (keV), or nil below the lowest bin.
    @inlinable public func index(_ e: Double) -> Int? {
        let i = Int(((incident - e) / width + 0.5).rounded(.down))
        return i >= 0 && i < count ? i : nil
    }
}
