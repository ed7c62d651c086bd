import MapSimulation
import EBSDCore
import Foundation
import Testing
import TestSupport
@testable import CrystalMaps
import DetectorGeometry
@testable import Crystallography

/// The `ebsd` binary built beside the test bundle.
let ebsdBinary: URL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ebsd")

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

struct MissingBinary: Error, CustomStringConvertible {
    var description: String { "the ebsd executable was not found at \(ebsdBinary.path); swift test builds it beside the test bundle" }
}

func runEBSD(_ args: [String], environment: [String: String] = [:]) throws -> RunResult {
    guard FileManager.default.isExecutableFile(atPath: ebsdBinary.path) else { throw MissingBinary() }
    let p = Process()
    p.executableURL = ebsdBinary
    p.arguments = args
    if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return RunResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

/// Bad input: one-line error naming the file and line/record, non-zero exit, no output file.
@Suite(.needsSharedData) struct BadInputTests {
    let dir: URL = {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-bad-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }()

    func expectCleanFailure(_ input: String, mentions: [String]) throws {
        let out = dir.appendingPathComponent("out-\(UUID().uuidString).ctf").path
        let r = try runEBSD(["convert", input, out])
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one-line error, got: \(r.stderr)")
        for m in mentions { #expect(r.stderr.contains(m), "error should mention '\(m)': \(r.stderr)") }
        #expect(!FileManager.default.fileExists(atPath: out), "no output file on failure")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".out") }
        #expect(leftovers.isEmpty, "no temporary files left: \(leftovers)")
    }

    /// A truncated instrument HDF5 file: one line naming it, exit 1, no output written.
    @Test func truncatedInstrumentHDF5() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: SharedData.path("data/h5/oxford_dummy.h5oina")))
        let bad = dir.appendingPathComponent("cut.h5oina").path
        try whole.prefix(whole.count / 3).write(to: URL(fileURLWithPath: bad))
        let out = dir.appendingPathComponent("cut.ang").path
        for args in [["index", "hough", bad, "--phase", "Ni", "-o", out], ["info", bad], ["stack", "info", bad]] {
            let r = try runEBSD(args)
            #expect(r.status == 1, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(bad) && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test func truncatedAng() throws {
        let src = try String(contentsOfFile: SharedData.path("data/maps/sdss_ferrite_austenite.ang"), encoding: .utf8)
        let cut = String(src.prefix(src.count * 2 / 3))  // ends in the middle of a data line
        let path = dir.appendingPathComponent("truncated.ang").path
        try cut.write(toFile: path, atomically: true, encoding: .utf8)
        // The last, partial line is reported with its line number.
        let lastLine = cut.split(separator: "\n", omittingEmptySubsequences: false).count
        try expectCleanFailure(path, mentions: [path, ":\(lastLine):"])
        // Cut at a line boundary instead: the count no longer matches the header.
        var lines = src.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast(500)
        let path2 = dir.appendingPathComponent("short.ang").path
        try lines.joined(separator: "\n").write(toFile: path2, atomically: true, encoding: .utf8)
        try expectCleanFailure(path2, mentions: [path2, "11700"])
    }

    @Test func ctfWithWrongColumnCount() throws {
        let m = SyntheticMapGenerator().make()
        let path = dir.appendingPathComponent("bad.ctf").path
        try CtfFile.write(m, to: path)
        var text = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n")
        let headerLines = text.firstIndex { $0.hasPrefix("Phase\tX") }! + 1
        let victim = headerLines + 100
        text[victim] = text[victim].split(separator: "\t").dropLast().joined(separator: "\t")
        try text.joined(separator: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        try expectCleanFailure(path, mentions: [path, ":\(victim + 1):", "expected 11 columns"])
    }

    @Test func crcWhoseSizeDoesNotMatchCpr() throws {
        let srcDir = SharedData.path("data/maps/ni-superalloy-oxford")
        let cpr = dir.appendingPathComponent("cut.cpr").path, crc = dir.appendingPathComponent("cut.crc").path
        try FileManager.default.copyItem(atPath: srcDir + "/testDataEBSD.cpr", toPath: cpr)
        let data = try #require(FileManager.default.contents(atPath: srcDir + "/testDataEBSD.crc"))
        try data.prefix(data.count - 1000).write(to: URL(fileURLWithPath: crc))
        try expectCleanFailure(cpr, mentions: [crc, "does not match", "cut.cpr"])
    }

    @Test func nonexistentFile() throws {
        let path = dir.appendingPathComponent("nope.ang").path
        try expectCleanFailure(path, mentions: [path, "no such file"])
        let r = try runEBSD(["info", path])
        #expect(r.status != 0 && r.stderr.contains(path))
    }

    /// Pattern stacks through `ebsd preprocess`: a truncated TIFF and a wrong map shape.
    @Test func badStacksThroughPreprocess() throws {
        let src = SharedData.packageRoot.appendingPathComponent("SampleMaps/na-foil-topview/patterns.tif").path
        let data = try #require(FileManager.default.contents(atPath: src))
        let cut = dir.appendingPathComponent("cut.tif").path
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: cut))
        for (args, mention) in [
            (["preprocess", cut, "--dynamic-background", "7.5"], "cut.tif"),
            (["preprocess", src, "--map-shape", "10x10"], "2000 patterns"),
        ] {
            let out = dir.appendingPathComponent("clean-\(UUID().uuidString).tif").path
            let r = try runEBSD(args + ["-o", out])
            #expect(r.status != 0)
            #expect(r.stderr.contains(mention), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "no output after a failure")
            let tmp = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
            #expect(tmp.isEmpty, "temporary files left: \(tmp)")
        }
    }

    /// Pattern matching: a master pattern of another phase than --phase, a detector bigger than the
    /// stack's patterns, a resolution ≤ 0 — refused before any work, no output.
    @Test func matchingBadInput() throws {
        let root = SharedData.packageRoot
        let stack = root.appendingPathComponent("SampleMaps/na-foil-topview/patterns.tif").path
        let li = root.appendingPathComponent("MasterPatterns/Li-20kV-kinematical.tif").path
        let na = root.appendingPathComponent("MasterPatterns/Na-20kV-kinematical.tif").path
        let out = dir.appendingPathComponent("m.ang").path
        let cases: [([String], String)] = [
            (["index", "match", stack, "--master", li, "--phase", "Na", "-o", out], "not of --phase Na"),
            (["index", "match", stack, "--master", na, "--pattern-shape", "120x120", "-o", out], "pattern shape is 120x120"),
            (["index", "match", stack, "--master", na, "--resolution", "0", "-o", out], "--resolution"),
            (["index", "hybrid", stack, "--master", na, "--resolution", "-2", "-o", out], "--resolution"),
            (
                [
                    "refine", root.appendingPathComponent("SampleMaps/na-foil-topview/truth.ang").path, stack, "--master", li, "--phase",
                    "Na", "-o", out,
                ], "not of --phase Na"
            ),
        ]
        for (args, mention) in cases {
            let r = try runEBSD(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr.contains(mention), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "no output after a failure")
        }
    }

    /// Post-processing commands: a map with no indexed pixel, a threshold ≤ 0, an unknown
    /// pseudo-symmetry operator, an output folder that does not exist.
    @Test func postProcessingBadInput() throws {
        var m = SyntheticMapGenerator().make()
        for i in 0..<m.count { m.phaseIndex[i] = -1 }
        let empty = dir.appendingPathComponent("empty.ang").path
        try AngFile.write(m, to: empty)
        let good = SharedData.packageRoot.appendingPathComponent("SampleMaps/na-deposit.ang").path
        let out = dir.appendingPathComponent("o.ang").path, png = dir.appendingPathComponent("o.png").path
        let cases: [([String], String)] = [
            (["clean", empty, "--fill", "6,5", "-o", out], "no indexed pixel"),
            (["grains", empty, "--csv", dir.appendingPathComponent("g.csv").path], "no indexed pixel"),
            (["ipf", empty, "-o", png], "no indexed pixel"),
            (["clean", good, "--fill", "6,5", "--tolerance", "0", "-o", out], "tolerance"),
            (["grains", good, "--hagb", "-5"], "lagb"),
            (["clean", good, "--pseudo-symmetry", "60@1x1", "-o", out], "pseudo-symmetry operator"),
            (["clean", good, "--pseudo-symmetry", "banana", "-o", out], "ANGLE@UVW"),
            (["clean", good, "--wild-spikes", "-o", dir.appendingPathComponent("nope/o.ang").path], "does not exist"),
            (["ipf", good, "-o", dir.appendingPathComponent("nope/o.png").path], "does not exist"),
        ]
        for (args, mention) in cases {
            let r = try runEBSD(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr.contains(mention), "\(args): \(r.stderr)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "empty.ang" }
        #expect(left.isEmpty, "no partial files: \(left)")
    }

    /// `ebsd index hough`: pattern size ≠ detector, unknown phase, PC outside (0, 1) — refused before any work.
    @Test func houghBadInput() throws {
        let stack = SharedData.packageRoot.appendingPathComponent("SampleMaps/na-foil-topview/patterns.tif").path
        let out = dir.appendingPathComponent("h.ang").path
        let cases: [([String], String)] = [
            (["index", "hough", stack, "--pattern-shape", "80x80", "-o", out], "80x80"),
            (["index", "hough", stack, "--phase", "Unobtainium", "-o", out], "Unobtainium"),
            (["index", "hough", stack, "--pc", "1.3,0.5,0.6", "-o", out], "pattern centre"),
        ]
        for (args, mention) in cases {
            let r = try runEBSD(args)
            #expect(r.status != 0 && r.stderr.contains(mention), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    /// Real-pattern options: a PC map made for another map, a calibration grid larger than the map, NLPAR on a stack
    /// whose map shape is unknown, λ ≤ 0, a map shape that contradicts the file — one clear line, exit 1, nothing written.
    @Test func realPatternOptionsBadInput() throws {
        let root = SharedData.packageRoot
        let stack = root.appendingPathComponent("SampleMaps/na-foil-topview/patterns.tif").path
        let noShape = SharedData.path("dev/na-kinematical-60px/patterns.tif")
        let ni = SharedData.path("data/ni-nordif-3x3/patterns.tif")
        let pcMap = dir.appendingPathComponent("pc.json").path
        try PCMap(mapRows: 3, mapColumns: 4, x: [0.5, 0, 0], y: [0.5, 0, 0], z: [0.6, 0, 0]).write(pcMap)
        let out = dir.appendingPathComponent("r.ang").path, tif = dir.appendingPathComponent("r.tif").path
        let json = dir.appendingPathComponent("grid.json").path
        let cases: [([String], String)] = [
            (["index", "hough", stack, "--pc-map", pcMap, "-o", out], "3 × 4 map, but the map is 40 × 50"),
            (["calibrate", ni, "--map-shape", "3x3", "--phase", "Ni", "--grid", "5x5", "--pc-map-output", json], "larger than the map"),
            (["preprocess", noShape, "--nlpar", "-o", tif], "NLPAR needs the map shape"),
            (["index", "hough", stack, "--nlpar", "--nlpar-lambda", "0", "-o", out], "λ 0.0 must be > 0"),
            (["index", "hough", stack, "--nlpar", "--nlpar-lambda=-1", "-o", out], "must be > 0"),
            (["index", "hough", stack, "--map-shape", "10x200", "-o", out], "states a map of 40 × 50"),
        ]
        for (args, mention) in cases {
            let r = try runEBSD(args)
            #expect(r.status == 1, "\(args): exit \(r.status)")
            #expect(r.stderr.contains(mention), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").filter { !$0.hasPrefix("Usage") && !$0.contains("--help") }.count == 1, "\(r.stderr)")
            for f in [out, tif, json] { #expect(!FileManager.default.fileExists(atPath: f), "\(args) wrote \(f)") }
        }
    }

    /// `ebsd simulate master --dynamical`: refused up front, nothing written.
    @Test func dynamicalMasterBadInput() throws {
        let out = dir.appendingPathComponent("m.tif").path
        let empty = dir.appendingPathComponent("empty-phase.json").path
        try Data(#"{"name": "Empty", "space_group": 229, "lattice": [3.5, 3.5, 3.5, 90, 90, 90], "atoms": []}"#.utf8)
            .write(to: URL(fileURLWithPath: empty))
        let cases: [([String], String)] = [
            (["simulate", "master", "--dynamical", "--phase", "Na", "--bethe", "4,8,8", "-o", out], "strong < weak < cutoff"),
            (["simulate", "master", "--dynamical", "--phase", "Na", "--bethe", "0,8,50", "-o", out], "strong < weak < cutoff"),
            (["simulate", "master", "--dynamical", "--phase", "Na", "--emin", "0", "-o", out], "--emin"),
            (["simulate", "master", "--dynamical", "--phase", empty, "--size", "11", "-o", out], "no atoms"),
            (["simulate", "master", "--emsoft-input", empty, "--size", "11", "-o", out], "not an HDF5 file"),
            (["simulate", "master", "--dynamical", "--phase", "Na2O2", "--size", "11", "-o", out], "centrosymmetric"),
            (["simulate", "master", "--dynamical", "--phase", "Na", "--kv", "20", "--emin", "25", "-o", out], "--emin"),
            (["simulate", "master", "--dynamical", "--phase", "Na", "--bethe", "8,4", "-o", out], "--bethe"),
            (["simulate", "master", "--dynamical", "--phase", "Na", "--size", "400", "-o", out], "--size"),
        ]
        for (args, mention) in cases {
            let r = try runEBSD(args)
            #expect(r.status != 0 && r.stderr.contains(mention), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test func goodConversionAndInfo() throws {
        let ctf = dir.appendingPathComponent("sdss.ctf").path
        let r = try runEBSD(["convert", SharedData.path("data/maps/sdss_ferrite_austenite.ang"), ctf])
        #expect(r.status == 0)
        let info = try runEBSD(["info", ctf])
        #expect(info.status == 0)
        #expect(info.stdout.contains("100 rows × 117 columns"))
        #expect(info.stdout.contains("indexed 11700 (100.00 %)"))
        // --frame tsl-to-map subtracts 90° from φ1 (same rotation as g · Rz(−90°)).
        let ang2 = dir.appendingPathComponent("sdss-map.ang").path
        #expect(
            try runEBSD(["convert", "--frame", "tsl-to-map", SharedData.path("data/maps/sdss_ferrite_austenite.ang"), ang2]).status == 0)
        let a = try AngFile.read(SharedData.path("data/maps/sdss_ferrite_austenite.ang")), b = try AngFile.read(ang2)
        let e = a.rotations[0].euler
        let expected = Rotation(euler: EulerAngles(e.phi1 - .pi / 2, e.Phi, e.phi2))
        #expect(b.rotations[0].angle(to: expected) < 1e-5)
    }
}

extension BadInputTests {
    /// `ebsd plot pole-figure|mdf`: an unknown pole, dpi 0, a width too small, an empty map → exit 1, one line, nothing written.
    @Test func figureBadInput() throws {
        let out = dir.appendingPathComponent("fig.pdf").path
        let ang = SharedData.path("data/maps/sdss_ferrite_austenite.ang")
        let empty = dir.appendingPathComponent("empty.ang").path
        // every pixel not indexed (CI −1, phase 0): keep the header, blank the orientations
        let text = try String(contentsOfFile: ang, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard !line.hasPrefix("#"), !line.isEmpty else { return String(line) }
            var cols = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if cols.count > 7 { cols[6] = "-1" }
            return cols.joined(separator: " ")
        }
        try lines.joined(separator: "\n").write(toFile: empty, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["plot", "pole-figure", ang, "--poles", "1,x,0", "-o", out], "--poles 1,x,0"),
            (["plot", "pole-figure", ang, "--dpi", "0", "-o", out.replacingOccurrences(of: ".pdf", with: ".png")], "--dpi"),
            (["plot", "pole-figure", ang, "--width-mm", "30", "-o", out], "too narrow"),
            (["plot", "mdf", ang, "--width-mm", "10", "-o", out], "too narrow"),
            (["plot", "mdf", empty, "-o", out], "no indexed pixel"),
            (["plot", "pole-figure", ang, "-o", dir.appendingPathComponent("fig.jpg").path], ".png, .svg or .pdf"),
        ]
        for (args, mention) in cases {
            let r = try runEBSD(args)
            #expect(r.status == 1, "\(args): exit \(r.status)")
            #expect(r.stderr.contains(mention), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").filter { !$0.hasPrefix("Usage") && !$0.contains("--help") }.count == 1, "\(r.stderr)")
            #expect(
                !FileManager.default.fileExists(atPath: out)
                    && !FileManager.default.fileExists(atPath: out.replacingOccurrences(of: ".pdf", with: ".png")))
        }
    }
}
