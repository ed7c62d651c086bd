import Foundation
import Testing
import Crystallography
import CrystalMaps
import DetectorGeometry
import EBSDCABI
import EBSDCore
import HoughIndexing
import PatternStacks
import TestSupport

/// The C ABI (include/swiftebsd.h) called as a C caller would, against the typed Swift API on the same inputs: the real
/// Ni patterns, one and per-pattern PCs; bad arguments refused with the argument named; cancellation; map round trips.
@Suite struct CABITests {
    static let capacity: Int64 = 512

    /// Calls `ebsd_run_steps` on float32 patterns; returns the status, message and the map (nil when none).
    static func runSteps(
        _ steps: String, inputs: String, patterns: [Float], rows: Int64 = 60, columns: Int64 = 60, mapShape: (Int64, Int64) = (3, 3),
        pcs: [Double] = [], start: UnsafeMutableRawPointer? = nil, progress: CABIProgressCallback? = nil
    ) -> (Int32, String, CrystalMap?) {
        var message = [CChar](repeating: 0, count: Int(capacity))
        var out: UnsafeMutableRawPointer?
        var notes: UnsafeMutablePointer<CChar>?
        let count = rows * columns == 0 ? 0 : Int64(patterns.count) / (rows * columns)
        let status = patterns.withUnsafeBytes { p in
            pcs.withUnsafeBufferPointer { pc in
                ebsd_run_steps(
                    steps, inputs, p.baseAddress, 0, count, rows, columns, mapShape.0, mapShape.1, 0, pc.baseAddress, Int64(pcs.count / 3),
                    start, nil, progress, nil, &out, &notes, &message, capacity)
            }
        }
        ebsd_free(notes)
        defer { ebsd_map_free(out) }
        return (status, String(cString: message), out.map { mapArrays($0) })
    }

    /// The map behind a handle, read back through the C accessors only.
    static func mapArrays(_ handle: UnsafeMutableRawPointer) -> CrystalMap {
        var rows: Int64 = 0, columns: Int64 = 0, sx = 0.0, sy = 0.0, np: Int32 = 0
        _ = ebsd_map_info(handle, &rows, &columns, &sx, &sy, &np, nil, 0)
        let n = Int(rows * columns)
        var q = [Double](repeating: 0, count: 4 * n), idx = [Int32](repeating: 0, count: n)
        _ = ebsd_map_orientations(handle, &q, &idx, nil, 0)
        let phases = (0..<np).map { i -> MapPhase in
            var name = [CChar](repeating: 0, count: 64)
            var sg: Int32 = 0
            _ = ebsd_map_phase(handle, i, &name, 64, &sg, nil, 0)
            return MapPhase(id: Int(i) + 1, phase: (try? Phase.resolve(String(cString: name))) ?? .sodium)
        }
        var ci = [Float](repeating: 0, count: n)
        let hasCI = ebsd_map_property(handle, "ci", &ci, nil, 0) == 0
        return CrystalMap(
            grid: MapGrid(rows: Int(rows), columns: Int(columns), stepX: sx, stepY: sy), phases: phases, phaseIndex: idx,
            rotations: (0..<n).map { Rotation(unchecked: Quaternion(q[4 * $0], q[4 * $0 + 1], q[4 * $0 + 2], q[4 * $0 + 3])) },
            properties: hasCI ? ["ci": ci] : [:])
    }

    static func swiftHough(_ ni: NickelData, detector: Detector) throws -> CrystalMap {
        let stack = try PatternStack(
            source: try MemoryPatternSource(data: ni.patterns.flatMap { $0 }, patternRows: 60, patternColumns: 60, mapShape: (3, 3)),
            mapShape: (3, 3))
        return try HoughIndexer(detector: detector, phases: [try Phase.resolve("Ni")], bandCount: 9).index(stack: stack)
    }

    static func expectSame(_ a: CrystalMap, _ b: CrystalMap) {
        #expect(a.phaseIndex == b.phaseIndex)
        #expect(a.properties["ci"] == b.properties["ci"])
        for i in 0..<a.count {
            let (p, q) = (a.rotations[i].q, b.rotations[i].q)
            let d = max(abs(p.a - q.a), abs(p.b - q.b), abs(p.c - q.c), abs(p.d - q.d))
            #expect(d < 1e-6, "point \(i): quaternions differ by \(d)")
        }
    }

    @Test func houghThroughTheABIEqualsTheSwiftAPI() throws {
        let ni = try NickelData()
        let pc = ni.meanPC
        let (status, message, map) = Self.runSteps(
            #"[{"hough": {"bands": 9}}]"#, inputs: #"{"phases": ["Ni"], "detector": {"pc": [\#(pc.x), \#(pc.y), \#(pc.z)]}}"#,
            patterns: ni.patterns.flatMap { $0 })
        #expect(status == 0, "\(message)")
        let reference = try Self.swiftHough(ni, detector: Detector(rows: 60, columns: 60, pc: pc))
        let m = try #require(map)
        Self.expectSame(m, reference)
        // independent check: the real patterns' reference orientations (kikuchipy) within 2°
        let cubic = LaueGroup.cubicHigh
        for i in 0..<9 {
            #expect(Orientation(m.rotations[i], cubic).disorientationAngle(to: Orientation(ni.references[i], cubic)) < 2 * .pi / 180)
        }
    }

    @Test func perPatternCentresEqualTheSwiftAPI() throws {
        let ni = try NickelData()
        let (status, message, map) = Self.runSteps(
            #"[{"hough": {"bands": 9}}]"#, inputs: #"{"phases": ["Ni"]}"#, patterns: ni.patterns.flatMap { $0 },
            pcs: ni.pcs.flatMap { [$0.x, $0.y, $0.z] })
        #expect(status == 0, "\(message)")
        Self.expectSame(try #require(map), try Self.swiftHough(ni, detector: Detector(rows: 60, columns: 60, pcs: ni.pcs)))
    }

    @Test(arguments: [
        (#"{"phases": ["Unobtainium"]}"#, "", "phases"),
        (#"{"phases": ["Ni"], "detector": {"pattern_shape": "80x80"}}"#, "", "detector: its shape 80x80"),
        (#"{"phases": ["Ni"]}"#, "nan", "patterns: a non-finite value (NaN or infinity) in pattern 4"),
        (#"{"phases": ["Ni"]}"#, "shape", "map_shape: 4 × 4 does not hold the 9 patterns"),
        (#"{"phases": ["Ni"]}"#, "key", "unknown parameter 'bandz'"),
    ])
    func badArgumentsAreRefusedNamingThem(inputs: String, fault: String, expected: String) throws {
        var raw = try NickelData().raw
        if fault == "nan" { raw[4 * 3600 + 17] = .nan }
        let steps = fault == "key" ? #"[{"hough": {"bandz": 9}}]"# : #"[{"hough": {}}]"#
        let (status, message, map) = Self.runSteps(steps, inputs: inputs, patterns: raw, mapShape: fault == "shape" ? (4, 4) : (3, 3))
        #expect(status == 1)
        #expect(message.contains(expected), "\(message)")
        #expect(map == nil)
    }

    /// 5 400 patterns are three chunks of 32 MB: the callback says stop during the first, the second read is refused.
    @Test func aProgressCallbackThatSaysStopCancels() throws {
        let raw = try NickelData().raw
        let many = [[Float]](repeating: raw, count: 600).flatMap { $0 }
        let stop: CABIProgressCallback = { _, _, _, _ in 1 }
        let (status, message, map) = Self.runSteps(
            #"[{"hough": {}}]"#, inputs: #"{"phases": ["Ni"]}"#, patterns: many, mapShape: (60, 90), progress: stop)
        #expect(status == 2, "\(message)")
        #expect(message == "cancelled")
        #expect(map == nil)
    }

    @Test func mapsRoundTripAndFreedHandlesAreRefused() throws {
        var rng = SplitMix64(seed: 7)
        let rotations = (0..<6).map { _ in Rotation.random(using: &rng) }
        let q = rotations.flatMap { [$0.q.a, $0.q.b, $0.q.c, $0.q.d] }
        let idx: [Int32] = [0, 1, -1, 0, 1, 0]
        var handle: UnsafeMutableRawPointer?
        var message = [CChar](repeating: 0, count: Int(Self.capacity))
        #expect(ebsd_map_create(2, 3, 1.5, 1.5, "Na, Li", q, idx, &handle, &message, Self.capacity) == 0)
        let m = Self.mapArrays(try #require(handle))
        #expect(m.phaseIndex == idx)
        #expect(m.phases.map(\.phase.name) == ["Na", "Li"])
        for i in [0, 1, 3, 4, 5] { #expect(m.rotations[i].angle(to: rotations[i]) < 1e-9) }
        ebsd_map_free(handle)
        var rows: Int64 = 0
        #expect(ebsd_map_info(handle, &rows, nil, nil, nil, nil, &message, Self.capacity) == 1)
        #expect(String(cString: message).hasPrefix("map: not a live handle"))
        #expect(ebsd_map_create(2, 3, 1.5, 1.5, "Na", q, [0, 2, 0, 0, 0, 0], &handle, &message, Self.capacity) == 1)
        #expect(String(cString: message).hasPrefix("phase_index: 2 at point 1"))
    }
}
