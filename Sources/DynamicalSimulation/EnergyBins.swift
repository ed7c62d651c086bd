import EBSDCore
import Foundation
import Crystallography
import PatternSimulation

/// Energy bins of backscattered electrons with EMsoft's definitions (`EMMCOpenCL`'s EkeV, Ehistmin, Ebinsize): bin i
/// is simulated at Eᵢ = Ehistmin + i·w, i = 0 ..< int((E₀ − Ehistmin)/w) + 1, and an electron leaving with energy E is
/// counted when E > Ehistmin, in bin nint((E − Ehistmin)/w): bin i holds [Eᵢ − w/2, Eᵢ + w/2) within (Ehistmin, E₀].
/// (EMsoft's default run, E₀ = 20, Ehistmin = 10, w = 1 keV, has 11 bins, the top one (19.5, 20]; a run with E₀ = 20.1
/// and Ehistmin = 20 has one bin at 20 keV that counts only the electrons that lost less than 100 eV.)
public struct EnergyBins: Sendable, Hashable, Codable {
    /// Incident energy E₀ (keV): EMsoft's EkeV.
    public var incident: Double
    /// Lowest bin energy (keV), below which no electron is counted: EMsoft's Ehistmin.
    public var minimum: Double
    /// Bin width w (keV): EMsoft's Ebinsize.
    public var width: Double
    public var count: Int

    public init(incident: Double, minimum: Double, width: Double = 1) {
        self.incident = incident
        self.minimum = minimum
        self.width = width
        count = max(1, Int(((incident - minimum) / width + 1e-9).rounded(.down)) + 1)
    }
    /// The energy (keV) at which bin i is simulated: Ehistmin + i·w.
    public func energy(_ i: Int) -> Double { minimum + Double(i) * width }
    public var energies: [Double] { (0..<count).map(energy) }
    /// Electrons at or below this energy are not counted (keV).
    public var lowerEdge: Double { minimum }
    /// The bin of an exit energy (keV), or nil when it is not above Ehistmin.
    @inlinable public func index(_ e: Double) -> Int? {
        guard e > minimum, e <= incident + 1e-9 else { return nil }
        return min(count - 1, Int(((e - minimum) / width).rounded()))
    }
}
