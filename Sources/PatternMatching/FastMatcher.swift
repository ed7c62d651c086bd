import EBSDCore
import Foundation
import Crystallography
import EBSDNumerics
import PatternSimulation
import PatternStacks

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
        projector = PatternProjector(master: master, detector: signal.detector.withMeanPC)
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
            coeff.withUnsafeBufferPointer { cp in
                dictionary.coefficients.withUnsafeBufferPointer { dp in
                    scores.withUnsafeMutableBufferPointer { sp in
                        Gemm.rowsDotRows(cp.baseAddress!, m: nb, dp.baseAddress!, n: nd, k: m, into: sp.baseAddress!)
                    }
                }
            }
            DictionaryIndexer.keepTop(scores, rows: nb, columns: nd, offset: 0, into: &approx, firstRow: start)
            start = end
        }
        // exact NCC of the candidates
        var exact = MatchResult(count: count, k: candidates)
        let k = candidates
        let approxIndices = approx.indices
        prepared.withUnsafeBufferPointer { pp in
            exact.scores.withUnsafeMutableBufferPointer { sb in
                exact.indices.withUnsafeMutableBufferPointer { ib in
                    let p = UncheckedPointer(readOnly: pp.baseAddress!), so = UncheckedPointer(sb.baseAddress!),
                        io = UncheckedPointer(ib.baseAddress!)
                    let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
                    let per = (count + workers - 1) / workers
                    parallelFor(workers) { w in
                        var scratch = [Float](repeating: 0, count: 2 * signal.detector.pixelCount), packed = [Float](repeating: 0, count: n)
                        scratch.withUnsafeMutableBufferPointer { s in
                            packed.withUnsafeMutableBufferPointer { q in
                                for i in (w * per)..<min(count, (w + 1) * per) {
                                    var list: [(Int32, Float)] = []
                                    for c in 0..<k {
                                        let idx = approxIndices[i * k + c]
                                        guard idx >= 0 else { continue }
                                        list.append(
                                            (
                                                idx,
                                                signal.score(
                                                    p.p + i * n, projector, dictionary.rotations[Int(idx)], scratch: s.baseAddress!,
                                                    packed: q.baseAddress!)
                                            ))
                                    }
                                    list.sort { $0.1 > $1.1 }
                                    for (c, e) in list.enumerated() {
                                        io.p[i * k + c] = e.0
                                        so.p[i * k + c] = e.1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return exact
    }

    /// Matches every pattern of `stack`, streamed in chunks sized from `memoryBytes` (a quarter of it
    /// holds the prepared chunk); `progress(done, total)` after each chunk.
    public func match(_ stack: PatternStack, memoryBytes: Int, progress: ((Int, Int) -> Void)? = nil) throws -> MatchResult {
        let maximumChunk = 65_536
        let chunk = signal.patternsPerChunk(memoryBytes: memoryBytes, stack: stack, maximum: maximumChunk)
        var all = MatchResult(count: stack.count, k: candidates)
        try stack.forEachChunk(size: chunk) { range, raw in
            let part = match(prepared: signal.prepareExperimental(raw, count: range.count), count: range.count)
            let offset = range.lowerBound * candidates
            for i in 0..<(range.count * candidates) {
                all.indices[offset + i] = part.indices[i]
                all.scores[offset + i] = part.scores[i]
            }
            progress?(range.upperBound, stack.count)
        }
        return all
    }
}
