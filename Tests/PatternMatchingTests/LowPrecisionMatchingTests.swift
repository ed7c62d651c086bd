import Foundation
import Testing
import TestSupport
import Crystallography
import DetectorGeometry
import EBSDNumerics
import PatternSimulation
import Preprocessing
@testable import PatternMatching

/// Issue 29: int8 dictionary matching (VNNI where the CPU has it; elsewhere the portable kernel, on a smaller problem)
/// finds the float32 best orientation, with float32's score, on the dev Na sets and the real Ni patterns; the
/// dictionary cache of one precision is never read as the other.
@Suite(.needsSharedData) struct LowPrecisionMatchingTests {
    /// Matches `raw` in float32 and in int8; returns both and the share of patterns with the same best.
    static func compare(
        signal: PatternSignal, master: MasterPattern, rotations: [Rotation], raw: [Float], count: Int
    ) throws -> (same: Double, float32: MatchResult, int8: MatchResult) {
        var di = DictionaryIndexer(signal: signal, master: master, rotations: rotations)
        let length = raw.count / count
        let read = { (r: Range<Int>) in Array(raw[(r.lowerBound * length)..<(r.upperBound * length)]) }
        di.precision = .float32
        let f = try di.match(count: count, read: read)
        di.precision = .int8
        let q = try di.match(count: count, read: read)
        var same = 0
        for i in 0..<count where q.indices[i * q.k] == f.indices[i * f.k] {
            same += 1
            // the reported NCC is float32's (re-scored), not the int8 estimate
            #expect(abs(q.scores[i * q.k] - f.scores[i * f.k]) < 1e-4, "pattern \(i)")
        }
        return (Double(same) / Double(count), f, q)
    }

    /// VNNI: the 2° dictionary of the reference study on 300 patterns at 60 px, 3° on 150 at 120 px. Portable kernel:
    /// 5° on 60 patterns (the kernel is a scalar reference, far slower).
    @Test(arguments: ["na-kinematical-60px", "na-kinematical-120px"])
    func devSetTopOneAsFloat32(_ name: String) throws {
        let set = try MatchingTests.DevSet(name)
        let large = set.detector.rows > 60
        let resolution = Int8Gemm.vnniAvailable ? (large ? 3.0 : 2.0) : 5.0
        let n = Int8Gemm.vnniAvailable ? (large ? 150 : 300) : 60
        let rotations = OrientationSampling.fundamentalZone(.cubicHigh, resolution: resolution)
        let (same, f, q) = try Self.compare(
            signal: try MatchingTests.sodiumSignal(set), master: MatchingTests.sodiumMaster(), rotations: rotations,
            raw: try set.stack.read(0..<n), count: n)
        let (wf, mf) = MatchingTests.summary(set.errors((0..<n).map { rotations[Int(f.indices[$0 * f.k])] }))
        let (wq, mq) = MatchingTests.summary(set.errors((0..<n).map { rotations[Int(q.indices[$0 * q.k])] }))
        print(
            String(
                format: "%@ (%@ kernel, %.0f° dictionary of %d, %d patterns): int8 best = float32 best for %.1f %%; "
                    + "within 2° %.3f / %.3f, median %.3f° / %.3f° (int8 / float32)", name, Int8Gemm.best.rawValue, resolution,
                rotations.count, n, 100 * same, wq, wf, mq, mf))
        #expect(same >= 0.995)
        #expect(wq == wf && mq == mf)
    }

    /// The 9 real Ni patterns (EMsoft master, kikuchipy's standard preprocessing), 3° dictionary.
    @Test func realNickelTopOneAsFloat32() throws {
        let ni = try NickelData()
        let det = Detector(rows: 60, columns: 60, pc: ni.meanPC, sampleTilt: 70, detectorTilt: 0)
        let signal = PatternSignal(
            detector: det, experimental: Preprocessor.kikuchipyStandard(rows: 60, columns: 60, staticBackground: ni.background))
        let rotations = OrientationSampling.fundamentalZone(.cubicHigh, resolution: Int8Gemm.vnniAvailable ? 3 : 5)
        let (same, _, _) = try Self.compare(
            signal: signal, master: try MasterPattern.read(NickelData.masterPath), rotations: rotations, raw: ni.raw, count: 9)
        #expect(same == 1)
    }

    /// A float32 cache read by an int8 run is rebuilt as int8 (a quarter of the size), read again by int8, and rebuilt
    /// as float32 by a float32 run; a truncated int8 file is rebuilt. Results never depend on where the dictionary came from.
    @Test func cacheOfOnePrecisionIsRebuiltInTheOther() throws {
        let set = try MatchingTests.DevSet("na-kinematical-60px")
        let rotations = OrientationSampling.fundamentalZone(.cubicHigh, resolution: 10)
        let raw = try set.stack.read(0..<20)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dict-\(UUID().uuidString).bin").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        var di = DictionaryIndexer(signal: try MatchingTests.sodiumSignal(set), master: MatchingTests.sodiumMaster(), rotations: rotations)
        di.memoryBytes = 64 << 20
        func run(_ p: MatchPrecision, cached: Bool) throws -> MatchResult {
            var d = di
            d.precision = p
            d.cache = cached ? DictionaryCache(path: file) : nil
            return try d.match(count: 20, read: { Array(raw[($0.lowerBound * 3600)..<($0.upperBound * 3600)]) })
        }
        func size() -> Int { ((try? FileManager.default.attributesOfItem(atPath: file)[.size]) as? Int) ?? 0 }
        let plainF = try run(.float32, cached: false), plainQ = try run(.int8, cached: false)
        let f1 = try run(.float32, cached: true)
        #expect(!f1.dictionaryFromCache && size() == DictionaryCache.headerBytes + rotations.count * 3600 * 4)
        let q1 = try run(.int8, cached: true)
        let int8Size = DictionaryCache.headerBytes + (rotations.count + 31) / 32 * 32 * 3600 + rotations.count * 4
        #expect(!q1.dictionaryFromCache && size() == int8Size)
        let q2 = try run(.int8, cached: true)
        #expect(q2.dictionaryFromCache)
        let f2 = try run(.float32, cached: true)
        #expect(!f2.dictionaryFromCache && size() == DictionaryCache.headerBytes + rotations.count * 3600 * 4)
        _ = try run(.int8, cached: true)
        let handle = try #require(FileHandle(forUpdatingAtPath: file))
        try handle.truncate(atOffset: UInt64(int8Size - 100))
        try handle.close()
        let q3 = try run(.int8, cached: true)
        #expect(!q3.dictionaryFromCache && size() == int8Size)
        for r in [q1, q2, q3] { #expect(r.indices == plainQ.indices && r.scores == plainQ.scores) }
        for r in [f1, f2] { #expect(r.indices == plainF.indices && r.scores == plainF.scores) }
    }
}
