import Foundation
import CBLAS
import Crystallography
import EBSDNumerics

/// The depth weights λ(z) of the backscatter depth integral: the fraction of backscattered electrons whose last
/// scattering event lies at path length z from the surface, from a Monte Carlo run (ours or EMsoft's `accum_z`), cut
/// where the cumulative weight reaches `coverage`. Bin i holds the depths [(i − ½)·step, (i + ½)·step) (EMsoft's
/// nint binning of the exit distance) and is integrated at z = (i + 1)·step, as EMsoft's `CalcLgh` does (its 1-based
/// bin iz at iz·depthstep): one step deeper than the bin's centre. That is EMsoft's convention, kept for fidelity — on
/// EMsoft's own Ni Monte Carlo, integrating at the centre instead gives NCC 0.983 with EMsoft's master, at (i + 1)·step
/// 0.990 (before the exact absorption).
public struct DepthProfile: Sendable, Hashable {
    public var step: Double
    public var weights: [Double]
    public init(distribution: [Double], step: Double, coverage: Double = 0.999) {
        self.step = step
        let total = distribution.reduce(0, +)
        var acc = 0.0, out: [Double] = []
        for w in distribution {
            out.append(w / max(total, 1e-300))
            acc += w / max(total, 1e-300)
            if acc >= coverage { break }
        }
        weights = out.isEmpty ? [1] : out
    }

    /// The depth (nm) at which bin `i` is integrated: (i + 1)·step.
    public func depth(ofBin i: Int) -> Double { Double(i + 1) * step }
}
