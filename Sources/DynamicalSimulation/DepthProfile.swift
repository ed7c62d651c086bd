import Foundation
import CBLAS
import Crystallography
import EBSDNumerics

/// The depth weights λ(z) of the backscatter depth integral: the fraction
/// of backscattered electrons whose last scattering event lies at path
/// length z from the surface (bin i at z = (i + ½)·step), from a Monte Carlo
/// run, cut where the cumulative weight reaches `coverage`.
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
}
