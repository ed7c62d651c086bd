import EBSDCore
import Foundation
import Crystallography
import EBSDNumerics
import PatternSimulation

/// A dictionary stored as coefficients on its leading principal components.
///
/// Prepared patterns (zero mean, unit norm over the mask) of one detector live
/// close to a low-dimensional subspace: Kikuchi bands are smooth. The `M`
/// leading eigenvectors of the scatter matrix of a training sample of the
/// dictionary span it; every dictionary pattern d is kept as Pd (M numbers
/// instead of one per pixel), and the NCC e·d of a measured pattern e is
/// approximated by (Pe)·(Pd). A matrix product of M columns instead of one per
/// pixel finds a short list of candidates, which ``FastMatcher`` then scores
/// exactly.
public struct CompressedDictionary: Sendable {
    /// Principal directions, `[components × signal.length]`, largest variance first.
    public let basis: [Float]
    public let components: Int
    /// Coefficients of every dictionary pattern, `[rotations.count × components]`.
    public let coefficients: [Float]
    public let rotations: [Rotation]
    /// Fraction of the training patterns' energy the basis keeps (mean of |Pd|², |d| = 1).
    public let energyKept: Double

    /// Builds the basis from `trainingCount` dictionary patterns spread evenly over `rotations`,
    /// then the coefficients of all, simulated in blocks of `block` patterns.
    public init?(
        signal: PatternSignal, master: MasterPattern, rotations: [Rotation], components: Int = 128,
        trainingCount: Int = 10_000, block: Int = 8192
    ) {
        let n = signal.length
        let m = min(components, n)
        let projector = PatternProjector(master: master, detector: signal.detector.withMeanPC)
        let stride = max(1, rotations.count / max(1, trainingCount))
        let training = Array(Swift.stride(from: 0, to: rotations.count, by: stride).map { rotations[$0] })
        var x = [Float](repeating: 0, count: training.count * n)
        x.withUnsafeMutableBufferPointer { signal.prepareSimulated(projector, training[...], into: $0.baseAddress!) }
        var scatter = [Float](repeating: 0, count: n * n)
        x.withUnsafeBufferPointer { xp in
            scatter.withUnsafeMutableBufferPointer { Gemm.gram(xp.baseAddress!, m: training.count, k: n, into: $0.baseAddress!) }
        }
        guard let eig = SymmetricEigen.largest(scatter, n: n, count: m) else { return nil }
        basis = eig.vectors
        self.components = m
        self.rotations = rotations
        energyKept = Double(eig.values.reduce(0, +)) / Double(training.count)
        var coeff = [Float](repeating: 0, count: rotations.count * m)
        var buf = [Float](repeating: 0, count: min(block, rotations.count) * n)
        var start = 0
        while start < rotations.count {
            let end = min(rotations.count, start + block), count = end - start
            buf.withUnsafeMutableBufferPointer { signal.prepareSimulated(projector, rotations[start..<end], into: $0.baseAddress!) }
            buf.withUnsafeBufferPointer { bp in
                eig.vectors.withUnsafeBufferPointer { vp in
                    coeff.withUnsafeMutableBufferPointer { cp in
                        Gemm.rowsDotRows(bp.baseAddress!, m: count, vp.baseAddress!, n: m, k: n, into: cp.baseAddress! + start * m)
                    }
                }
            }
            start = end
        }
        coefficients = coeff
    }

    /// Coefficients of prepared patterns `[count × length]` → `[count × components]`.
    public func project(_ prepared: [Float], count: Int, length: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count * components)
        prepared.withUnsafeBufferPointer { p in
            basis.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    Gemm.rowsDotRows(p.baseAddress!, m: count, b.baseAddress!, n: components, k: length, into: o.baseAddress!)
                }
            }
        }
        return out
    }
}
