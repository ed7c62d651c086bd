import Foundation
import Testing
import EBSDPipeline
import TestSupport

/// Two runs, one output folder: a second `ebsd pipeline` into a folder a running one holds is refused with a message
/// naming the holder, and writes nothing; a lock left by a run killed with SIGKILL is taken over and said so.
@Suite struct OutputFolderLockTests {
    let dir: URL = {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-lock-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }()
    var sample: String { SharedData.packageRoot.path + "/SampleMaps/na-electrodeposit-cross-section" }

    /// A clean-up recipe on the shipped "as indexed" map (seconds) or Hough on its patterns first (longer).
    func recipe(hough: Bool) throws -> String {
        let body = """
            inputs:
              map: \(sample)/indexed.ang
              patterns: \(sample)/patterns.tif
              map_shape: 24x100
              detector: {pattern_shape: 60x60, pc: [0.5, 0.5, 0.6]}
              phases: [Na]
            steps:
            \(hough ? "  - hough: {}\n  - hough: {bands: 8}\n  - hough: {bands: 7}\n" : "")  - wild_spikes: {}
              - fill: {neighbours: [6, 5]}
            """
        let p = dir.appendingPathComponent(hough ? "long.yaml" : "short.yaml").path
        try body.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @Test func aSecondRunIntoAHeldFolderIsRefused() throws {
        let out = dir.appendingPathComponent("held").path
        var held: OutputFolderLock? = try OutputFolderLock(folder: out)
        let r = try runEBSD(["pipeline", try recipe(hough: false), "--output", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(out) is in use by another ebsd run (pid \(getpid()) on"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == [OutputFolderLock.fileName], "nothing written")
        held = nil
        #expect(held == nil)
        let again = try runEBSD(["pipeline", try recipe(hough: false), "--output", out])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("took over"))
        #expect(try String(contentsOfFile: out + "/" + OutputFolderLock.fileName, encoding: .utf8).isEmpty, "released at a clean end")
    }

    @Test func aLockLeftByAKilledRunIsTakenOver() throws {
        let out = dir.appendingPathComponent("killed").path
        let lockFile = out + "/" + OutputFolderLock.fileName
        let p = Process()
        p.executableURL = ebsdBinary
        p.arguments = ["pipeline", try recipe(hough: true), "--output", out]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? String(contentsOfFile: lockFile, encoding: .utf8)) ?? "").isEmpty { usleep(20_000) }
        let holder = try String(contentsOfFile: lockFile, encoding: .utf8)
        #expect(holder.hasPrefix("pid \(p.processIdentifier) on"), "\(holder)")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        let r = try runEBSD(["pipeline", try recipe(hough: false), "--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        let said = "took over the lock of a run that ended without releasing it (pid \(p.processIdentifier) on"
        #expect(r.stderr.contains(said), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/final.ang"))
    }
}
