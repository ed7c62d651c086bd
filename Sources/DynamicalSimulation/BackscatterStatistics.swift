import EBSDCore
import Foundation
import Crystallography
import PatternSimulation

/// What a Monte Carlo run of backscattered electrons (BSEs) produces.
///
/// Frame: the sample frame of the simulation (z into the sample, the surface
/// at z = 0, the beam travelling along (sin σ, 0, cos σ) for sample tilt σ,
/// i.e. its in-surface component along +x; the detector of a tilted-sample
/// EBSD set-up sits on the +x side). Exit directions are stored as the
/// outward direction (x, y, −z) on the modified square Lambert grid
/// (``SquareLambert``; row from Y, column from X).
///
/// The exit depth is EMsoft's definition: the path length from the
/// electron's last elastic scattering event to the surface along its exit
/// direction — the thickness of crystal the outgoing wave crosses, which is
/// what the Bloch-wave depth integral needs.
public struct BackscatterStatistics: Sendable {
    public var bins: EnergyBins
    public var incidentElectrons: Int
    /// Exit-direction grid size (odd).
    public var gridSize: Int
    /// BSE counts per energy bin on the exit-direction grid (`gridSize²` each).
    public var directionCounts: [[Float]]
    /// Coarse exit-direction grid for the depth histograms (odd).
    public var depthGridSize: Int
    public var depthStep: Double  // nm
    public var depthBins: Int
    /// Depth histograms per energy bin: `depthGridSize² × depthBins`, cell-major.
    public var depthCounts: [[Float]]

    /// Backscattered electrons counted in all bins.
    public var backscattered: Int { directionCounts.reduce(0) { $0 + Int($1.reduce(0, +)) } }
    /// Fraction of incident electrons that leave with an energy inside the bins.
    public var yield: Double { Double(backscattered) / Double(max(1, incidentElectrons)) }

    /// Fraction of the counted BSEs in each energy bin (sums to 1).
    public var binWeights: [Double] {
        let c = directionCounts.map { Double($0.reduce(0, +)) }
        let t = c.reduce(0, +)
        return c.map { t > 0 ? $0 / t : 0 }
    }

    /// Exit-depth distribution of energy bin `bin`, summed over all exit
    /// directions (as EMsoft's master program sums `accum_z`) and normalised to 1; entry i is the depth bin
    /// [(i − ½)·step, (i + ½)·step) (EMsoft's nint binning; entry 0 holds [0, ½·step)).
    public func depthDistribution(bin: Int) -> [Double] {
        var h = [Double](repeating: 0, count: depthBins)
        let cells = depthGridSize * depthGridSize
        for c in 0..<cells { for i in 0..<depthBins { h[i] += Double(depthCounts[bin][c * depthBins + i]) } }
        let t = h.reduce(0, +)
        return t > 0 ? h.map { $0 / t } : h
    }

    /// Mean exit depth (nm) of energy bin `bin`.
    public func meanDepth(bin: Int) -> Double {
        // bin 0 is the half bin [0, ½·step), centred at ¼·step; bin i > 0 is centred at i·step
        depthDistribution(bin: bin).enumerated().reduce(0) { $0 + $1.element * ($1.offset == 0 ? 0.25 : Double($1.offset)) * depthStep }
    }
}
