import Foundation
import Testing
import TestSupport
import EBSDCore
@testable import EBSDPipeline

@Suite(.needsSharedData) struct PCMapTests {
    /// A simulated 12 × 16 map (60 px patterns, random orientations) whose PC varies across the map as a flat tilted
    /// sample under a fixed detector makes it vary: the 4 × 4 grid calibration and the plane fit give every point's
    /// PC within 0.002; Hough indexing with the PC map is more precise than with the map's mean PC.
    @Test func gridCalibrationRecoversTheModel() throws {
        let rows = 12, cols = 16
        let truth = PCMap(mapRows: rows, mapColumns: cols, x: [0.52, -0.0020, 0], y: [0.28, 0, 0.0015], z: [0.62, 0, -0.0010])
        let master = try MasterPattern.read(SharedData.packageRoot.appendingPathComponent("MasterPatterns/Na-20kV-kinematical.tif").path)
        var det = Detector(rows: 60, columns: 60, pc: truth.pc(row: 0, column: 0))
        det.pcs = truth.pcs
        var rng = SplitMix64(seed: 42)
        let rotations = (0..<(rows * cols)).map { _ in Rotation.random(using: &rng) }
        let data = PatternProjector(master: master, detector: det).patterns(rotations, pcIndices: Array(0..<(rows * cols)))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pcmap-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let stackPath = dir.appendingPathComponent("p.tif").path
        try PatternStack.writeTIFF(stackPath, rows: 60, columns: 60, mapShape: (rows, cols)) {
            Array(data[($0 * 3600)..<(($0 + 1) * 3600)])
        }
        let stack = try PatternStack.open(stackPath)
        let mean = truth.pc(row: rows / 2, column: cols / 2)
        let cal = HoughThenMatchingPCCalibration(detector: Detector(rows: 60, columns: 60, pc: mean), phases: [.sodium], master: master)
        let start = PatternCenter(mean.x + 0.02, mean.y - 0.02, mean.z + 0.02)
        let fitted = try cal.calibrateGrid(stack, rows: 4, columns: 4, start: start)
        let worst = zip(fitted.pcs, truth.pcs).map { max(abs($0.x - $1.x), abs($0.y - $1.y), abs($0.z - $1.z)) }.max()!
        print(
            String(
                format: "PC map: worst point %.4f, rms residual %.4f %.4f %.4f", worst, fitted.rmsResidual.x, fitted.rmsResidual.y,
                fitted.rmsResidual.z))
        #expect(worst <= 0.002)
        // written and read back
        let file = dir.appendingPathComponent("pc.json").path
        try fitted.write(file)
        let back = try PCMap.read(file)
        // (Foundation's JSON parser may differ from the written value in the last bit)
        #expect(back.mapRows == rows && back.mapColumns == cols)
        #expect(zip(back.x + back.y + back.z, fitted.x + fitted.y + fitted.z).allSatisfy { abs($0 - $1) <= 1e-14 })
        // Hough with the PC map vs with one mean PC
        func medianError(_ d: Detector) throws -> Double {
            let m = try HoughIndexer(detector: d, phases: [.sodium]).index(stack: stack)
            return median(
                (0..<m.count).map { k in
                    Orientation(m.rotations[k], .cubicHigh).disorientationAngle(to: Orientation(rotations[k], .cubicHigh)) * 180 / .pi
                })
        }
        var perPoint = Detector(rows: 60, columns: 60, pc: mean)
        perPoint = try fitted.apply(to: perPoint, mapRows: rows, mapColumns: cols, path: file)
        let one = try medianError(Detector(rows: 60, columns: 60, pc: mean)), many = try medianError(perPoint)
        print(String(format: "Hough median error: one mean PC %.3f°, PC map %.3f°", one, many))
        #expect(many < one)
    }

    /// Bad input: a PC map of another map shape, a grid larger than the map, a file that is not a PC map.
    @Test func refusesBadInput() throws {
        let m = PCMap(mapRows: 3, mapColumns: 4, x: [0.5, 0, 0], y: [0.5, 0, 0], z: [0.6, 0, 0])
        #expect(throws: PCMapError.self) {
            try m.apply(to: Detector(rows: 60, columns: 60, pc: PatternCenter(0.5, 0.5, 0.6)), mapRows: 4, mapColumns: 3, path: "pc.json")
        }
        let stack = try PatternStack.open(SharedData.path("data/ni-nordif-3x3/patterns.tif"), mapShape: (3, 3))
        let start = Detector(rows: 60, columns: 60, pc: PatternCenter(0.42, 0.21, 0.5))
        let cal = HoughThenMatchingPCCalibration(detector: start, phases: [.nickel])
        do {
            _ = try cal.calibrateGrid(stack, rows: 5, columns: 5, start: PatternCenter(0.42, 0.21, 0.5))
            Issue.record("a 5 × 5 grid on a 3 × 3 map was accepted")
        } catch let e as PCMapError {
            #expect("\(e)".contains("larger than the map"))
        }
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-pc-\(getpid()).json").path
        try "{\"convention\": \"tsl\"}".write(toFile: bad, atomically: true, encoding: .utf8)
        defer { unlink(bad) }
        #expect(throws: PCMapError.self) { try PCMap.read(bad) }
    }
}
