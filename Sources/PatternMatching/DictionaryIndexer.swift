import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import DetectorGeometry
import EBSDNumerics
import PatternSimulation
import PatternStacks

/// Dictionary indexing: every measured pattern is compared with patterns
/// simulated for a uniform sample of the fundamental zone, by NCC computed as
/// one matrix product (`cblas_sgemm`) per block, keeping the top `k` per
/// pattern. Dictionary and measured patterns are both processed in blocks
/// sized from `memoryBytes`, so that memory stays within the budget however
/// large the map or the dictionary: the dictionary is simulated once, block
/// by block (outer loop), and the measured patterns are streamed through each
/// block (inner loop; kept in memory when they fit in a quarter of the budget).
public struct DictionaryIndexer: Sendable {
    public let signal: PatternSignal
    public let projector: PatternProjector
    public let rotations: [Rotation]
    public var k = 5
    public var memoryBytes = 2 << 30
    /// Keep the prepared dictionary in this file (read it when it matches; else write it).
    public var cache: DictionaryCache?

    public init(signal: PatternSignal, master: MasterPattern, rotations: [Rotation]) {
        self.signal = signal
        projector = PatternProjector(master: master, detector: signal.detector.withMeanPC)
        self.rotations = rotations
    }

    /// Block sizes (dictionary patterns, measured patterns) for the budget.
    public func blockSizes(measured: Int) -> (dictionary: Int, measured: Int, keepMeasured: Bool) {
        let row = 4 * signal.length
        let budget = max(64 << 20, memoryBytes)
        let keep = measured * row <= budget / 4
        let dict = min(rotations.count, max(256, (budget / 2) / row))
        let left = budget - dict * row - (keep ? measured * row : 0)
        // measured block and its score block (measured × dict floats) share what is left
        let meas = min(measured, max(16, left / (row + 4 * dict)))
        return (dict, meas, keep)
    }

    /// Simulates the dictionary into ``cache`` (unless it holds it already) without matching anything: what a
    /// cluster run's prepare job does once, so that its tasks read the dictionary instead of simulating it.
    public func fillCache() throws {
        guard cache != nil else { throw MatchingError("no dictionary cache file is set") }
        _ = try match(count: 0) { _ in [] }
    }

    /// Matches the `count` patterns that `read` returns (raw, as in the stack) block by block.
    public func match(count: Int, read: (Range<Int>) throws -> [Float], progress: ((Int, Int) -> Void)? = nil) throws -> MatchResult {
        var result = MatchResult(count: count, k: k)
        let n = signal.length
        let (dc, ec, keep) = blockSizes(measured: count)
        var prepared: [Float] = []
        if keep { prepared = signal.prepareExperimental(try read(0..<count), count: count) }
        var dict = [Float](repeating: 0, count: dc * n)
        var sims = [Float](repeating: 0, count: ec * dc)
        let dBlocks = (rotations.count + dc - 1) / dc
        var done = 0
        let key = cache.map { _ in DictionaryCache.key(self) }
        let cacheReader = cache.flatMap { $0.reader(key: key!, count: rotations.count, length: n) }
        var cacheWriter = cacheReader == nil ? cache.flatMap { $0.writer(key: key!, count: rotations.count, length: n) } : nil
        result.dictionaryFromCache = cacheReader != nil
        defer {
            try? cacheReader?.close()
            if let (fh, tmp) = cacheWriter {
                try? fh.close()
                try? FileManager.default.removeItem(atPath: tmp)
            }  // incomplete
        }
        for db in 0..<dBlocks {
            let d0 = db * dc, d1 = min(rotations.count, d0 + dc), nd = d1 - d0
            let ts = DispatchTime.now().uptimeNanoseconds
            if let fh = cacheReader, let data = try? fh.read(upToCount: nd * n * 4), data.count == nd * n * 4 {
                dict.withUnsafeMutableBytes { d in data.withUnsafeBytes { d.copyMemory(from: $0) } }
            } else {
                dict.withUnsafeMutableBufferPointer { signal.prepareSimulated(projector, rotations[d0..<d1], into: $0.baseAddress!) }
                if let (fh, _) = cacheWriter {
                    do { try fh.write(contentsOf: dict.withUnsafeBytes { Data($0.prefix(nd * n * 4)) }) } catch { cacheWriter = nil }
                }
            }
            if db == dBlocks - 1, let (fh, tmp) = cacheWriter, let c = cache {
                try? fh.close()
                _ = try? FileManager.default.removeItem(atPath: c.path)
                if (try? FileManager.default.moveItem(atPath: tmp, toPath: c.path)) == nil {
                    try? FileManager.default.removeItem(atPath: tmp)
                }
                cacheWriter = nil
            }
            result.simulationSeconds += Double(DispatchTime.now().uptimeNanoseconds - ts) / 1e9
            var e0 = 0
            while e0 < count {
                let e1 = min(count, e0 + ec), ne = e1 - e0
                let exp = keep ? [] : signal.prepareExperimental(try read(e0..<e1), count: ne)
                let tc = DispatchTime.now().uptimeNanoseconds
                (keep ? prepared : exp).withUnsafeBufferPointer { ep in
                    dict.withUnsafeBufferPointer { dp in
                        sims.withUnsafeMutableBufferPointer { sp in
                            Gemm.rowsDotRows(
                                ep.baseAddress! + (keep ? e0 * n : 0), m: ne, dp.baseAddress!, n: nd, k: n, into: sp.baseAddress!)
                        }
                    }
                }
                Self.keepTop(sims, rows: ne, columns: nd, offset: Int32(d0), into: &result, firstRow: e0)
                result.comparisonSeconds += Double(DispatchTime.now().uptimeNanoseconds - tc) / 1e9
                e0 = e1
                done += ne
                progress?(done, count * dBlocks)
            }
        }
        return result
    }

    /// Merges a block of scores (`rows × columns`, dictionary indices from `offset`) into the top-k lists.
    static func keepTop(_ sims: [Float], rows: Int, columns: Int, offset: Int32, into result: inout MatchResult, firstRow: Int) {
        let k = result.k
        sims.withUnsafeBufferPointer { sp in
            result.scores.withUnsafeMutableBufferPointer { scp in
                result.indices.withUnsafeMutableBufferPointer { ip in
                    let s = UncheckedPointer(readOnly: sp.baseAddress!), sc = UncheckedPointer(scp.baseAddress!),
                        ix = UncheckedPointer(ip.baseAddress!)
                    parallelFor(rows) { r in
                        let row = s.p + r * columns
                        let top = sc.p + (firstRow + r) * k, idx = ix.p + (firstRow + r) * k
                        var threshold = top[k - 1]
                        for c in 0..<columns where row[c] > threshold {
                            var j = k - 1
                            while j > 0 && top[j - 1] < row[c] {
                                top[j] = top[j - 1]
                                idx[j] = idx[j - 1]
                                j -= 1
                            }
                            top[j] = row[c]
                            idx[j] = offset + Int32(c)
                            threshold = top[k - 1]
                        }
                    }
                }
            }
        }
    }

    /// Matches a whole stack.
    public func match(stack: PatternStack, progress: ((Int, Int) -> Void)? = nil) throws -> MatchResult {
        try match(count: stack.count, read: { try stack.read($0) }, progress: progress)
    }

    /// The best match of every pattern as a crystal map (NCC in `score`); patterns whose
    /// best NCC is below `minimumScore` (noise, pores, overlapping grains) are left not indexed.
    public func crystalMap(_ r: MatchResult, grid: MapGrid, phase: Phase, minimumScore: Float = -1) -> CrystalMap {
        var rot = [Rotation](repeating: .identity, count: r.count)
        var pi = [Int32](repeating: -1, count: r.count)
        var score = [Float](repeating: 0, count: r.count)
        for i in 0..<r.count where r.indices[i * r.k] >= 0 {
            rot[i] = rotations[Int(r.indices[i * r.k])]
            score[i] = r.scores[i * r.k]
            pi[i] = score[i] >= minimumScore ? 0 : -1
        }
        return CrystalMap(
            grid: grid, phases: [MapPhase(id: 1, phase: phase)], phaseIndex: pi, rotations: rot,
            properties: [MapProperty.score: score],
            metadata: ["operator": "SwiftEBSD dictionary indexing"])
    }
}
