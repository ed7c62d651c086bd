import EBSDCore
import Foundation
import EBSDNumerics

extension DictionaryIndexer {
    /// Re-scores the candidates that int8 matching found for measured patterns `rows` in float32: the distinct
    /// candidates are simulated again (in chunks of ``int8StagingBytes``), each pattern's exact NCC
    /// with each of its candidates is computed, and the `result.k` best by exact NCC are kept, best first.
    /// `prepared` points at the prepared float32 row of `rows.lowerBound`.
    func rescore(_ found: MatchResult, rows: Range<Int>, prepared: UnsafePointer<Float>, into result: inout MatchResult) {
        let kc = found.k, n = signal.length, k = result.k
        let listed = found.indices[(rows.lowerBound * kc)..<(rows.upperBound * kc)]
        let unique = Array(Set(listed.filter { $0 >= 0 })).sorted()
        guard !unique.isEmpty else { return }
        var exact = [Float](repeating: -.infinity, count: rows.count * kc)
        let chunk = max(1, min(unique.count, Self.int8StagingBytes / (MemoryLayout<Float>.size * n)))
        var simulated = [Float](repeating: 0, count: chunk * n)
        let indices = found.indices
        for c0 in stride(from: 0, to: unique.count, by: chunk) {
            let part = unique[c0..<min(unique.count, c0 + chunk)]
            simulated.withUnsafeMutableBufferPointer {
                signal.prepareSimulated(projector, ArraySlice(part.map { rotations[Int($0)] }), into: $0.baseAddress!)
            }
            let position = Dictionary(uniqueKeysWithValues: part.enumerated().map { ($1, $0) })
            simulated.withUnsafeBufferPointer { sp in
                exact.withUnsafeMutableBufferPointer { ep in
                    let s = UncheckedPointer(readOnly: sp.baseAddress!), e = UncheckedPointer(ep.baseAddress!)
                    let p = UncheckedPointer(readOnly: prepared)
                    parallelChunks(count: rows.count, minimumChunk: 16) { range in
                        for i in range {
                            for c in 0..<kc {
                                guard let at = position[indices[(rows.lowerBound + i) * kc + c]] else { continue }
                                e.p[i * kc + c] = Gemm.dot(p.p + i * n, s.p + at * n, count: n)
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<rows.count {
            let order = (0..<kc).filter { indices[(rows.lowerBound + i) * kc + $0] >= 0 }.sorted { exact[i * kc + $0] > exact[i * kc + $1] }
            for (j, c) in order.prefix(k).enumerated() {
                result.indices[(rows.lowerBound + i) * k + j] = indices[(rows.lowerBound + i) * kc + c]
                result.scores[(rows.lowerBound + i) * k + j] = exact[i * kc + c]
            }
        }
    }
}
