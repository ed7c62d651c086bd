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
    /// The arithmetic of the comparisons (``MatchPrecision``; resolved for this CPU when matching).
    public var precision = DictionaryMatchOptions().precision
    /// The int8 kernel (the portable one only to test against it).
    public var int8Kernel = Int8Gemm.best
    /// Candidates per pattern kept from the int8 scores and re-scored in float32.
    public var int8Candidates = DictionaryIndexer.defaultInt8Candidates
    public static let defaultInt8Candidates = 8

    public init(signal: PatternSignal, master: MasterPattern, rotations: [Rotation]) {
        self.signal = signal
        projector = PatternProjector(master: master, detector: signal.detector.withMeanPC)
        self.rotations = rotations
    }

    /// The largest score block (measured × dictionary floats): larger blocks only fault in fresh pages.
    public static let maximumScoreBlockBytes = 256 << 20
    /// The float32 staging buffer of int8 matching (simulated rows waiting to be quantised).
    public static let int8StagingBytes = 32 << 20

    /// Block sizes (dictionary patterns, measured patterns) for the budget, in ``precision``: a dictionary row is 4 bytes
    /// per pixel in float32, 1 (+ its scale) in int8, whose blocks start on whole panels; measured patterns stay in memory
    /// when they fit a quarter of the budget (with their int8 copy); the score block is at most ``maximumScoreBlockBytes``.
    public func blockSizes(measured: Int) -> (dictionary: Int, measured: Int, keepMeasured: Bool) {
        let int8 = precision.resolved == .int8
        let row = 4 * signal.length, paddedLength = QuantizedRows.paddedLength(signal.length)
        let dictRow = int8 ? paddedLength + 4 : row, measuredRow = int8 ? row + paddedLength : row
        let staging = int8 ? Self.int8StagingBytes : 0
        let budget = max(64 << 20, memoryBytes)
        let keep = measured * measuredRow <= budget / 4
        var dict = min(rotations.count, max(256, (budget / 2 - staging) / dictRow))
        if int8 && dict < rotations.count { dict = dict / Int8Panels.panelRows * Int8Panels.panelRows }
        let left = budget - dict * dictRow - staging - (keep ? measured * measuredRow : 0)
        // measured block and its score block (measured × dict floats) share what is left
        let meas = min(measured, max(16, min(left / (measuredRow + 4 * dict), Self.maximumScoreBlockBytes / (4 * dict))))
        return (dict, meas, keep)
    }

    /// Rows simulated at a time before int8 quantisation (whole panels).
    var int8StagingRows: Int {
        max(Int8Panels.panelRows, Self.int8StagingBytes / (4 * signal.length) / Int8Panels.panelRows * Int8Panels.panelRows)
    }

    /// Simulates the dictionary into ``cache`` (unless it holds it already) without matching anything: what a
    /// cluster run's prepare job does once, so that its tasks read the dictionary instead of simulating it.
    public func fillCache() throws {
        guard cache != nil else { throw MatchingError("no dictionary cache file is set") }
        _ = try match(count: 0) { _ in [] }
    }

    /// Matches the `count` patterns that `read` returns (raw, as in the stack) block by block, in ``precision``:
    /// float32 keeps the `k` best of every `sgemm` block; int8 keeps the ``int8Candidates`` best of every int8
    /// block (``Int8Gemm``) and, once the last dictionary block has been seen, re-scores them in float32 against
    /// the candidates simulated again, so that the scores and ranking returned are float32's.
    public func match(count: Int, read: (Range<Int>) throws -> [Float], progress: ((Int, Int) -> Void)? = nil) throws -> MatchResult {
        let arithmetic = precision.resolved, int8 = arithmetic == .int8
        let n = signal.length, paddedLength = QuantizedRows.paddedLength(n)
        var found = MatchResult(count: count, k: int8 ? max(k, int8Candidates) : k)
        var result = MatchResult(count: count, k: k)
        let (dc, ec, keep) = blockSizes(measured: count)
        var prepared: [Float] = []
        var quantized: QuantizedRows?
        if keep {
            prepared = signal.prepareExperimental(try read(0..<count), count: count)
            if int8 { quantized = QuantizedRows(prepared, count: count, length: n) }
        }
        var dict = [Float](repeating: 0, count: (int8 ? min(dc, int8StagingRows) : dc) * n)
        var panels = int8 ? Int8Panels(capacity: dc, length: n) : nil
        var sims = [Float](repeating: 0, count: ec * dc)
        let dBlocks = (rotations.count + dc - 1) / dc
        var done = 0
        let header = cache.map { _ in
            DictionaryCache.header(key: DictionaryCache.key(self), count: rotations.count, length: n, precision: arithmetic)
        }
        var cacheReader = header.flatMap { cache!.reader($0, precision: arithmetic) }
        let cachedScales = int8 ? cacheReader.flatMap { cache!.int8Scales($0, count: rotations.count, length: n) } : nil
        if int8 && cachedScales == nil {
            try? cacheReader?.close()
            cacheReader = nil
        }
        var cacheWriter = cacheReader == nil ? header.flatMap { cache!.writer($0) } : nil
        var scales = [Float](repeating: 0, count: int8 ? rotations.count : 0)
        result.dictionaryFromCache = cacheReader != nil
        func dropWriter() {
            if let (fh, tmp) = cacheWriter {
                try? fh.close()
                try? FileManager.default.removeItem(atPath: tmp)
            }
            cacheWriter = nil
        }
        defer {
            try? cacheReader?.close()
            dropWriter()  // incomplete
        }
        for db in 0..<dBlocks {
            let d0 = db * dc, d1 = min(rotations.count, d0 + dc), nd = d1 - d0
            let ts = DispatchTime.now().uptimeNanoseconds
            let blockBytes = int8 ? Int8Panels.byteCount(rows: nd, paddedLength: paddedLength) : nd * n * 4
            panels?.reset(count: nd)
            if let fh = cacheReader, let data = try? fh.read(upToCount: blockBytes), data.count == blockBytes {
                if int8 {
                    panels!.bytes.withUnsafeMutableBytes { d in data.withUnsafeBytes { d.copyMemory(from: $0) } }
                    panels!.scales = Array(cachedScales![d0..<d1])
                } else {
                    dict.withUnsafeMutableBytes { d in data.withUnsafeBytes { d.copyMemory(from: $0) } }
                }
            } else if int8 {
                for s0 in stride(from: d0, to: d1, by: int8StagingRows) {
                    let s1 = min(d1, s0 + int8StagingRows)
                    dict.withUnsafeMutableBufferPointer { signal.prepareSimulated(projector, rotations[s0..<s1], into: $0.baseAddress!) }
                    dict.withUnsafeBufferPointer { panels!.setRows(quantizing: $0.baseAddress!, count: s1 - s0, length: n, from: s0 - d0) }
                }
                scales.replaceSubrange(d0..<d1, with: panels!.scales)
            } else {
                dict.withUnsafeMutableBufferPointer { signal.prepareSimulated(projector, rotations[d0..<d1], into: $0.baseAddress!) }
            }
            if let (fh, _) = cacheWriter {
                let bytes = int8 ? Data(panels!.bytes.prefix(blockBytes)) : dict.withUnsafeBytes { Data($0.prefix(blockBytes)) }
                do { try fh.write(contentsOf: bytes) } catch { dropWriter() }
            }
            if db == dBlocks - 1, let (fh, tmp) = cacheWriter, let c = cache {
                do {
                    if int8 { try fh.write(contentsOf: scales.withUnsafeBytes { Data($0) }) }
                    c.finish(fh, temporary: tmp)
                    cacheWriter = nil
                } catch { dropWriter() }
            }
            result.simulationSeconds += Double(DispatchTime.now().uptimeNanoseconds - ts) / 1e9
            var e0 = 0
            while e0 < count {
                let e1 = min(count, e0 + ec), ne = e1 - e0
                let exp = keep ? [] : signal.prepareExperimental(try read(e0..<e1), count: ne)
                let tc = DispatchTime.now().uptimeNanoseconds
                let rowsHere = keep ? e0..<e1 : 0..<ne
                sims.withUnsafeMutableBufferPointer { sp in
                    if let panels {
                        let q = quantized ?? QuantizedRows(exp, count: ne, length: n)
                        Int8Gemm.scores(q, rows: rowsHere, panels, into: sp.baseAddress!, kernel: int8Kernel)
                    } else {
                        (keep ? prepared : exp).withUnsafeBufferPointer { ep in
                            dict.withUnsafeBufferPointer { dp in
                                Gemm.rowsDotRows(
                                    ep.baseAddress! + rowsHere.lowerBound * n, m: ne, dp.baseAddress!, n: nd, k: n, into: sp.baseAddress!)
                            }
                        }
                    }
                }
                Self.keepTop(sims, rows: ne, columns: nd, offset: Int32(d0), into: &found, firstRow: e0)
                if int8 && db == dBlocks - 1 {
                    let tr = DispatchTime.now().uptimeNanoseconds
                    defer { result.rescoreSeconds += Double(DispatchTime.now().uptimeNanoseconds - tr) / 1e9 }
                    (keep ? prepared : exp).withUnsafeBufferPointer {
                        rescore(found, rows: e0..<e1, prepared: $0.baseAddress! + rowsHere.lowerBound * n, into: &result)
                    }
                }
                result.comparisonSeconds += Double(DispatchTime.now().uptimeNanoseconds - tc) / 1e9
                e0 = e1
                done += ne
                progress?(done, count * dBlocks)
            }
        }
        if !int8 {
            result.indices = found.indices
            result.scores = found.scores
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
