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
    public init?(signal: PatternSignal, master: MasterPattern, rotations: [Rotation], components: Int = 128,
                 trainingCount: Int = 10_000, block: Int = 8192) {
        let n = signal.length
        let m = min(components, n)
        let projector = PatternProjector(master: master, detector: signal.detector)
        let stride = max(1, rotations.count / max(1, trainingCount))
        let training = Array(Swift.stride(from: 0, to: rotations.count, by: stride).map { rotations[$0] })
        var x = [Float](repeating: 0, count: training.count * n)
        x.withUnsafeMutableBufferPointer { signal.prepareSimulated(projector, training[...], into: $0.baseAddress!) }
        var scatter = [Float](repeating: 0, count: n * n)
        x.withUnsafeBufferPointer { xp in scatter.withUnsafeMutableBufferPointer { Gemm.gram(xp.baseAddress!, m: training.count, k: n, into: $0.baseAddress!) } }
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
            buf.withUnsafeBufferPointer { bp in eig.vectors.withUnsafeBufferPointer { vp in coeff.withUnsafeMutableBufferPointer { cp in
                Gemm.rowsDotRows(bp.baseAddress!, m: count, vp.baseAddress!, n: m, k: n, into: cp.baseAddress! + start * m)
            } } }
            start = end
        }
        coefficients = coeff
    }

    /// Coefficients of prepared patterns `[count × length]` → `[count × components]`.
    public func project(_ prepared: [Float], count: Int, length: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count * components)
        prepared.withUnsafeBufferPointer { p in basis.withUnsafeBufferPointer { b in out.withUnsafeMutableBufferPointer { o in
            Gemm.rowsDotRows(p.baseAddress!, m: count, b.baseAddress!, n: components, k: length, into: o.baseAddress!)
        } } }
        return out
    }
}

/// The fast matcher: candidates from a ``CompressedDictionary`` (one matrix
/// product with `components` columns), then the exact NCC of the `candidates`
/// best, simulated on the fly, decides. Reaches the full dictionary's answer
/// whenever the true best is among the candidates.
public struct FastMatcher: Sendable {
    public let signal: PatternSignal
    public let projector: PatternProjector
    public let dictionary: CompressedDictionary
    public var candidates = 4
    /// Measured patterns per block (the score block is block × dictionary floats).
    public var block = 256

    public init(signal: PatternSignal, master: MasterPattern, dictionary: CompressedDictionary) {
        self.signal = signal
        projector = PatternProjector(master: master, detector: signal.detector)
        self.dictionary = dictionary
    }

    /// Matches prepared patterns (`[count × signal.length]`): the `candidates` best by exact NCC, best first.
    public func match(prepared: [Float], count: Int) -> MatchResult {
        let n = signal.length, m = dictionary.components, nd = dictionary.rotations.count
        var approx = MatchResult(count: count, k: candidates)
        var scores = [Float](repeating: 0, count: min(block, count) * nd)
        var start = 0
        while start < count {
            let end = min(count, start + block), nb = end - start
            let coeff = dictionary.project(Array(prepared[(start * n)..<(end * n)]), count: nb, length: n)
            coeff.withUnsafeBufferPointer { cp in dictionary.coefficients.withUnsafeBufferPointer { dp in scores.withUnsafeMutableBufferPointer { sp in
                Gemm.rowsDotRows(cp.baseAddress!, m: nb, dp.baseAddress!, n: nd, k: m, into: sp.baseAddress!)
            } } }
            DictionaryIndexer.keepTop(scores, rows: nb, columns: nd, offset: 0, into: &approx, firstRow: start)
            start = end
        }
        // exact NCC of the candidates
        var exact = MatchResult(count: count, k: candidates)
        let k = candidates
        let approxIndices = approx.indices
        prepared.withUnsafeBufferPointer { pp in exact.scores.withUnsafeMutableBufferPointer { sb in exact.indices.withUnsafeMutableBufferPointer { ib in
            let p = SendablePointer(pp.baseAddress!), so = SendableMutablePointer(sb.baseAddress!), io = SendableMutablePointer(ib.baseAddress!)
            let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
            let per = (count + workers - 1) / workers
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var scratch = [Float](repeating: 0, count: 2 * signal.detector.pixelCount), packed = [Float](repeating: 0, count: n)
                scratch.withUnsafeMutableBufferPointer { s in packed.withUnsafeMutableBufferPointer { q in
                    for i in (w * per)..<min(count, (w + 1) * per) {
                        var list: [(Int32, Float)] = []
                        for c in 0..<k {
                            let idx = approxIndices[i * k + c]
                            guard idx >= 0 else { continue }
                            list.append((idx, signal.score(p.p + i * n, projector, dictionary.rotations[Int(idx)], scratch: s.baseAddress!, packed: q.baseAddress!)))
                        }
                        list.sort { $0.1 > $1.1 }
                        for (c, e) in list.enumerated() { io.p[i * k + c] = e.0; so.p[i * k + c] = e.1 }
                    }
                } }
            }
        } } }
        return exact
    }
}
