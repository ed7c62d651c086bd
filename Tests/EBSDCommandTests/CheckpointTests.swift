import EBSDCore
import EBSDImageIO
import EBSDPipeline
import Foundation
import PatternStacks
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Checkpoints inside long steps: a 20 000-pattern run (the 500 synthetic Na patterns of `../shared/dev` tiled 40
/// times, a 100 × 200 map) through hough → wild spikes → fill → grains → ipf is killed with SIGKILL 10 times at random
/// moments (five inside Hough, each after one more block is kept; five later, inside and between the other steps)
/// and resumed each time; the final map is
/// byte-identical to an uninterrupted run's computed without blocks (the library with `checkpointsInsideSteps` off:
/// the Hough map too, band contrast and slope included, which are scaled over the whole map), and no finished block
/// of Hough is ever computed again (a kill loses at most the block in progress: `StepBlocks.checkpointPatterns`).
@Suite(.needsSharedData) struct CheckpointTests {
    let dir: String = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-checkpoint-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    func makeStack() throws -> String {
        let dev = try PatternStack.open(SharedData.path("dev/na-kinematical-60px/patterns.tif"))
        let patterns = try dev.read(0..<dev.count)
        let size = dev.patternRows * dev.patternColumns
        let path = dir + "/tiled.tif"
        let w = try TIFFPageWriter(path, width: dev.patternColumns, height: dev.patternRows, type: .uint16)
        for k in 0..<20_000 {
            let j = k % dev.count
            try w.append(Array(patterns[(j * size)..<((j + 1) * size)]))
        }
        try w.finish()
        return path
    }

    func recipe(_ stack: String, output: String) throws -> String {
        let path = dir + "/\((output as NSString).lastPathComponent).yaml"
        try """
        output: \(output)
        inputs:
          patterns: \(stack)
          map_shape: 100x200
          detector: {pc: [0.5, 0.5, 0.6], convention: bruker, sample_tilt: 70}
          phases: [Na]
        steps:
          - hough: {bands: 9}
          - wild_spikes: {}
          - fill: {neighbours: [6, 5]}
          - grains: {hagb: 10, lagb: 2}
          - ipf: {directions: [z]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Modification times of the kept Hough blocks, by file name.
    func blocks(_ out: String) -> [String: Date] {
        let root = out + "/01-hough.blocks"
        var found: [String: Date] = [:]
        for sub in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            for f in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + sub)) ?? [] where !f.hasPrefix(".") {
                let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + sub + "/" + f)
                found[f] = attributes?[.modificationDate] as? Date
            }
        }
        return found
    }

    @Test func killedTenTimesTheFinalMapIsTheSame() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }  // 144 MB of patterns
        let stack = try makeStack()
        let reference = dir + "/reference"
        let t0 = Date()
        var atOnce = try PipelineRunner(recipePath: try recipe(stack, output: reference))
        atOnce.message = { _ in }
        atOnce.progress = { _, _ in { _, _ in } }
        atOnce.checkpointsInsideSteps = false
        try atOnce.run()
        let seconds = Date().timeIntervalSince(t0)
        let expected = try Data(contentsOf: URL(fileURLWithPath: reference + "/final.ang"))
        #expect(!FileManager.default.fileExists(atPath: reference + "/01-hough.blocks"), "no blocks kept")

        let out = dir + "/killed", path = try recipe(stack, output: out)
        var rng = SplitMix64(seed: 31)
        var kept: [String: Date] = [:]
        var killedInsideHough = 0, killedAfterHough = 0
        for k in 0..<10 {
            let p = Process()
            p.executableURL = ebsdBinary
            p.arguments = ["pipeline", path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            if k < 5 {
                // inside Hough: once one more block is kept, at a random moment of the next
                let deadline = Date().addingTimeInterval(120)
                while p.isRunning, Date() < deadline, blocks(out).count <= kept.count,
                    !FileManager.default.fileExists(atPath: out + "/01-hough.ebsdmap")
                {
                    usleep(10_000)
                }
                usleep(UInt32(Double.random(in: 0...0.5, using: &rng) * 1e6))
            } else {
                usleep(UInt32(Double.random(in: 0.05...1.5, using: &rng) * 1e6))
            }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let now = blocks(out)
            if FileManager.default.fileExists(atPath: out + "/01-hough.ebsdmap") {
                killedAfterHough += 1  // the step's map is kept and its blocks removed
                continue
            }
            killedInsideHough += 1
            for (name, date) in kept { #expect(now[name] == date, "kill \(k): finished block \(name) was computed again") }
            kept = now
        }
        let last = try runEBSD(["pipeline", path])
        #expect(last.status == 0, "\(last.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/final.ang")) == expected, "final.ang differs from the uninterrupted run")
        let blocksMap = FileManager.default.contents(atPath: out + "/01-hough.ebsdmap")
        #expect(
            blocksMap != nil && blocksMap == FileManager.default.contents(atPath: reference + "/01-hough.ebsdmap"),
            "the Hough map in blocks differs from the one computed at once")
        #expect(!FileManager.default.fileExists(atPath: out + "/01-hough.blocks"), "a finished step's blocks are removed")
        #expect(killedInsideHough >= 3 && killedAfterHough >= 1, "kills inside Hough \(killedInsideHough), after it \(killedAfterHough)")
        print("checkpoints: uninterrupted run \(String(format: "%.1f", seconds)) s; kills inside Hough \(killedInsideHough), after it "
            + "\(killedAfterHough)")
    }
}
