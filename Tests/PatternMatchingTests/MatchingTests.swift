import Foundation
import Testing
import TestSupport
@testable import PatternMatching
@testable import Crystallography
@testable import DetectorGeometry
@testable import PatternSimulation
@testable import PatternStacks
@testable import Preprocessing

/// Dictionary indexing and refinement against known orientations: the dev Na
/// set (kikuchipy's simulator, our own master pattern) and real Ni.
@Suite(.needsSharedData) struct MatchingTests {
    struct DevSet {
        let detector: Detector
        let stack: PatternStack
        let truth: [Rotation]
        init(_ name: String) throws {
            let g = try SharedData.json("dev/\(name)/geometry.json")
            let shape = g["pattern_shape_rows_cols"] as! [Int]
            let pc = g.dict("detector")!.doubles("pc_bruker")!
            detector = Detector(rows: shape[0], columns: shape[1], pc: PatternCenter(pc[0], pc[1], pc[2]), sampleTilt: 70, detectorTilt: 0)
            stack = try PatternStack.open(SharedData.path("dev/\(name)/patterns.tif"))
            truth = (try SharedData.json("dev/\(name)/truth.json")["quaternions_wxyz"] as! [[Double]]).map {
                Rotation(Quaternion($0[0], $0[1], $0[2], $0[3]))
            }
        }
        func errors(_ rotations: [Rotation]) -> [Double] {
            zip(rotations, truth).map { Orientation($0, .cubicHigh).disorientationAngle(to: Orientation($1, .cubicHigh)) * 180 / .pi }
        }
    }

    static func summary(_ e: [Double]) -> (within2: Double, median: Double) {
        (Double(e.filter { $0 <= 2 }.count) / Double(e.count), e.sorted()[e.count / 2])
    }

    static var projectRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Our own kinematical Na master pattern with |F| band weights and no Debye–Waller damping —
    /// the physics of the dev set's simulator (kikuchipy/diffsims); with our defaults (|F|², Debye–Waller)
    /// the refined median is 0.21–0.42° instead of 0.19°: a dictionary must look like the measurement.
    static func sodiumMaster() -> MasterPattern {
        var sim = KinematicalSimulator(phase: .sodium, voltageKV: 20)
        sim.intensity = .structureFactor
        sim.debyeWaller = false
        return sim.masterPattern(size: 501)
    }

    /// The matching set-up for the dev Na sets: static background (stack mean, divided) and
    /// dynamic background (σ = width/8) on the measured patterns; the detector's 0.8 px
    /// point-spread on the simulated ones.
    static func sodiumSignal(_ set: DevSet) throws -> PatternSignal {
        let d = set.detector
        return PatternSignal(
            detector: d,
            experimental: Preprocessor(
                rows: d.rows, columns: d.columns,
                steps: [
                    .staticBackground(image: try set.stack.meanPattern(), operation: .divide),
                    .dynamicBackground(sigma: Double(d.columns) / 8, operation: .subtract),
                ]), simulatedBlurSigma: 0.8)
    }

    /// Dev Na 60 px. The 2° dictionary on all 500 patterns is the benchmark's
    /// (`ebsd-bench --case match`); here a 3° dictionary (30 443) on 150 patterns, in several
    /// memory blocks, keeps CI fast; refinement then brings every pattern within 2°.
    @Test func sodium60pxDictionaryAndRefinement() throws {
        let set = try DevSet("na-kinematical-60px")
        let master = Self.sodiumMaster()
        let signal = try Self.sodiumSignal(set)
        let n = 150, np = set.detector.pixelCount
        let rotations = OrientationSampling.fundamentalZone(.cubicHigh, resolution: 3)
        var di = DictionaryIndexer(signal: signal, master: master, rotations: rotations)
        di.memoryBytes = 64 << 20
        #expect(di.blockSizes(measured: n).dictionary < rotations.count)
        let raw = try set.stack.read(0..<n)
        let r = try di.match(count: n, read: { Array(raw[($0.lowerBound * np)..<($0.upperBound * np)]) })
        let dictRot = (0..<n).map { rotations[Int(r.indices[$0 * r.k])] }
        let (w0, m0) = Self.summary(set.errors(dictRot))
        let refined = OrientationRefiner(signal: signal, master: master).refine(
            prepared: signal.prepareExperimental(raw, count: n), starts: dictRot, pcs: [set.detector.pc()])
        let (w1, m1) = Self.summary(set.errors(refined.map(\.rotation)))
        // The fast matcher (PCA-compressed dictionary + exact NCC of 4 candidates) finds the same best.
        let compressed = try #require(CompressedDictionary(signal: signal, master: master, rotations: rotations, trainingCount: 3000))
        let fast = FastMatcher(signal: signal, master: master, dictionary: compressed).match(
            prepared: signal.prepareExperimental(raw, count: n), count: n)
        let same = (0..<n).filter { fast.indices[$0 * fast.k] == r.indices[$0 * r.k] }.count
        print("fast matcher: same best as the full dictionary for \(same)/\(n); energy kept \(compressed.energyKept)")
        #expect(same >= n * 95 / 100)
        print(
            String(
                format: "Na 60 px, 3° dictionary (%d): %.1f %% within 2°, median %.2f°; refined: %.1f %%, median %.3f°",
                rotations.count,
                100 * w0, m0, 100 * w1, m1))
        // A 3° grid leaves up to ~2.5° to the nearest sample: ~83 % within 2° (99.3 % at 2°, bench).
        #expect(w0 >= 0.8)
        #expect(w1 == 1 && m1 <= 0.2)
    }

    /// Real Ni: EMsoft's master pattern, dictionary on the mean PC, refinement with each pattern's PC.
    /// All 9 within 0.5° of the reference orientations, NCC ≥ kikuchipy's standard-preprocessing NCC − 0.02.
    @Test func realNickel() throws {
        let ni = try NickelData()
        let pcs = ni.pcs, mean = ni.meanPC, refs = ni.references, expected = ni.nccStandardPreprocessing, raw = ni.raw
        let master = try MasterPattern.read(NickelData.masterPath)
        let det = Detector(rows: 60, columns: 60, pc: ni.meanPC, sampleTilt: 70, detectorTilt: 0)
        let signal = PatternSignal(
            detector: det,
            experimental: Preprocessor.kikuchipyStandard(rows: 60, columns: 60, staticBackground: ni.background))
        let rotations = OrientationSampling.fundamentalZone(.cubicHigh, resolution: 3)
        let r = try DictionaryIndexer(signal: signal, master: master, rotations: rotations).match(count: 9, read: { _ in raw })
        let refined = OrientationRefiner(signal: signal, master: master).refine(
            prepared: signal.prepareExperimental(raw, count: 9),
            starts: (0..<9).map { rotations[Int(r.indices[$0 * r.k])] }, pcs: pcs)
        var report: [String] = []
        for k in 0..<9 {
            let e = Orientation(refined[k].rotation, .cubicHigh).disorientationAngle(to: Orientation(refs[k], .cubicHigh)) * 180 / .pi
            report.append(String(format: "%.2f°/%.3f(%.3f)", e, refined[k].score, expected[k]))
            #expect(e < 0.5, "pattern \(k): \(e)°")
            #expect(Double(refined[k].score) >= expected[k] - 0.02, "pattern \(k): NCC \(refined[k].score) vs \(expected[k])")
        }
        print("Ni dictionary (3°) + refinement: error/NCC(kikuchipy standard): \(report.joined(separator: " "))")
        // PC refinement per pattern, from the mean PC: the PCs move towards the per-pattern references.
        var pcRefiner = OrientationRefiner(signal: signal, master: master)
        pcRefiner.refinePC = true
        let withPC = pcRefiner.refine(prepared: signal.prepareExperimental(raw, count: 9), starts: refined.map(\.rotation), pcs: [mean])
        func dist(_ a: PatternCenter, _ b: PatternCenter) -> Double {
            ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z)).squareRoot()
        }
        let before = (0..<9).map { dist(mean, pcs[$0]) }.reduce(0, +) / 9,
            after = (0..<9).map { dist(withPC[$0].pc, pcs[$0]) }.reduce(0, +) / 9
        let errs = (0..<9).map {
            Orientation(withPC[$0].rotation, .cubicHigh).disorientationAngle(to: Orientation(refs[$0], .cubicHigh)) * 180 / .pi
        }
        print(
            String(
                format: "Ni PC refinement: mean PC distance to the references %.4f → %.4f; orientation errors ≤ %.2f°; "
                    + "NCC %.3f → %.3f",
                before, after, errs.max()!,
                refined.map(\.score).reduce(0, +) / 9, withPC.map(\.score).reduce(0, +) / 9))
        // PC and orientation trade off on a single pattern (a PC shift mimics a small rotation), so
        // the orientations may move a little; the PCs must not move away from the references.
        #expect(errs.allSatisfy { $0 < 1 })
        #expect(after <= before)
        let sumPC: Float = withPC.map(\.score).reduce(0, +), sumFixed: Float = refined.map(\.score).reduce(0, +)
        #expect(sumPC >= sumFixed - 1e-4)
    }
}

/// The dictionary disk cache: written on the first run, read on the second (same results), ignored
/// and rewritten when the geometry changes.
@Suite(.needsSharedData) struct DictionaryCacheTests {
    @Test func writeReadInvalidate() throws {
        let mp = try MasterPattern.read(SharedData.packageRoot.appendingPathComponent("MasterPatterns/Na-20kV-kinematical.tif").path)
        let stack = try PatternStack.open(SharedData.path("dev/na-kinematical-60px/patterns.tif"))
        let raw = try stack.read(0..<20)
        let rotations = OrientationSampling.fundamentalZone(.cubicHigh, resolution: 10)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dict-\(UUID().uuidString).bin").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        func run(_ pc: PatternCenter) throws -> MatchResult {
            let det = Detector(rows: 60, columns: 60, pc: pc, sampleTilt: 70, detectorTilt: 0)
            let signal = PatternSignal(
                detector: det,
                experimental: Preprocessor(rows: 60, columns: 60, steps: [.dynamicBackground(sigma: 7.5, operation: .subtract)]))
            var di = DictionaryIndexer(signal: signal, master: mp, rotations: rotations)
            di.memoryBytes = 64 << 20  // several dictionary blocks
            di.cache = DictionaryCache(path: file)
            di.precision = .float32  // the int8 file: LowPrecisionMatchingTests
            return try di.match(count: 20, read: { Array(raw[($0.lowerBound * 3600)..<($0.upperBound * 3600)]) })
        }
        let a = try run(PatternCenter(0.5, 0.5, 0.6))
        #expect(!a.dictionaryFromCache)
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        #expect(size == DictionaryCache.headerBytes + rotations.count * 3600 * 4)
        let b = try run(PatternCenter(0.5, 0.5, 0.6))
        #expect(b.dictionaryFromCache)
        #expect(a.indices == b.indices && a.scores == b.scores)
        let c = try run(PatternCenter(0.5, 0.5, 0.62))
        #expect(!c.dictionaryFromCache)
        let d = try run(PatternCenter(0.5, 0.5, 0.62))
        #expect(d.dictionaryFromCache && d.indices == c.indices)
    }
}
