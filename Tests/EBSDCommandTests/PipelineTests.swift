import Foundation
import Testing
import TestSupport

/// `ebsd pipeline`: contradictory recipes are refused before any work; an
/// interrupted run resumes and ends with the same final map, byte for byte.
@Suite struct PipelineTests {
    let dir: URL = {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-pipe-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }()
    var root: String { SharedData.packageRoot.path }

    func recipe(_ body: String, name: String = "r.yaml") throws -> String {
        let p = dir.appendingPathComponent(name).path
        try body.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @Test func contradictoryRecipesAreRefusedUpFront() throws {
        let sample = "\(root)/SampleMaps/na-electrodeposit-cross-section"
        let cases: [(String, String)] = [
            ("inputs: {map: \(sample)/indexed.ang, phases: [Na]}\nsteps:\n  - hough: {}\n", "needs patterns"),
            (
                "inputs: {patterns: \(sample)/patterns.tif, map_shape: 24x100, detector: {pc: [0.5, 0.5, 0.6]}, phases: "
                    + "[Na]}\nsteps:\n  - match: {}\n",
                "needs a master pattern of Na"
            ),
            ("inputs: {map: \(sample)/indexed.ang, phases: [Na]}\nsteps:\n  - polish: {}\n", "unknown step 'polish'"),
            (
                "inputs: {map: \(sample)/indexed.ang, phases: [Na]}\nsteps:\n  - fill: {neigbours: [6, 5]}\n",
                "unknown parameter 'neigbours'"
            ),
            ("inputs: {phases: [Na]}\nsteps:\n  - wild_spikes: {}\n", "first map step must index"),
            ("inputs: {map: \(sample)/indexed.ang, phases: [Unobtainium]}\nsteps:\n  - wild_spikes: {}\n", "inputs.phases"),
            (
                "inputs: {patterns: \(sample)/patterns.tif, map_shape: 24x100, detector: {pc: [0.5, 0.5, 0.6]}, phases: [Na], "
                    + "master_patterns: {Na: \(root)/MasterPatterns/Li-20kV-kinematical.tif}}\nsteps:\n  - match: {}\n",
                "is a master pattern of Li"
            ),
            (
                "inputs: {patterns: \(sample)/patterns.tif, map_shape: 24x100, detector: {pc: [0.5, 0.5, 0.6], pattern_shape: "
                    + "80x80}, phases: [Na]}\nsteps:\n  - hough: {}\n",
                "pattern shape is 80x80"
            ),
        ]
        for (k, (body, mention)) in cases.enumerated() {
            let out = dir.appendingPathComponent("out-\(k)").path
            let r = try runEBSD(["pipeline", try recipe(body, name: "bad-\(k).yaml"), "--output", out])
            #expect(r.status != 0, "\(body)")
            #expect(r.stderr.contains(mention), "\(mention): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "no work before the recipe is checked")
        }
    }

    /// From the shipped "as indexed" map: clean-up (pseudo-symmetry checked on the patterns), grains, pictures.
    /// Then the run is "interrupted" after step 2 (later maps, final map and state entries removed)
    /// and resumed: the final .ang is byte-identical.
    @Test func resumeGivesTheSameFinalMap() throws {
        let sample = "\(root)/SampleMaps/na-electrodeposit-cross-section"
        let body = """
            name: clean-up test
            inputs:
              map: \(sample)/indexed.ang
              patterns: \(sample)/patterns.tif
              map_shape: 24x100
              detector: {pattern_shape: 60x60, pc: [0.5, 0.5, 0.6]}
              phases: [Na]
              master_patterns: {Na: \(root)/MasterPatterns/Na-20kV-kinematical.tif}
            steps:
              - wild_spikes: {}
              - fill: {neighbours: [6, 5]}
              - pseudo_symmetry: {operator: 60@111, verify: true}
              - grains: {hagb: 10, lagb: 2}
              - ipf: {directions: [y], boundaries: true}
            """
        let out = dir.appendingPathComponent("run").path
        let r1 = try runEBSD(["pipeline", try recipe(body), "--output", out])
        #expect(r1.status == 0, "\(r1.stderr)")
        let final1 = try Data(contentsOf: URL(fileURLWithPath: out + "/final.ang"))
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(
            html.contains("data:image/png;base64,") && html.contains("IPF-Y") && html.contains("Statistics")
                && html.contains("pseudo_symmetry"))
        #expect(r1.stderr.contains("pseudo-symmetry: fragments corrected 1, pixels corrected 7"), "\(r1.stderr)")
        // interrupt after step 2
        for f in ["03-pseudo_symmetry.ang", "final.ang", "report.html"] { try? FileManager.default.removeItem(atPath: out + "/" + f) }
        let stateURL = URL(fileURLWithPath: out + "/pipeline-state.json")
        var state = try JSONSerialization.jsonObject(with: Data(contentsOf: stateURL)) as! [[String: Any]]
        state = state.filter { ($0["index"] as! Int) < 2 }
        try JSONSerialization.data(withJSONObject: state).write(to: stateURL)
        let r2 = try runEBSD(["pipeline", try recipe(body), "--output", out])
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(r2.stderr.contains("[2/5] fill: finished earlier"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/final.ang")) == final1)
    }

    /// Each map step is kept as an exact snapshot (`NN-step.ebsdmap`): a resumed run continues from it with the very
    /// numbers an uninterrupted run holds. A snapshot damaged after it was written (a power cut: the checksum) is
    /// said and its step runs again; the final map is the same byte for byte.
    @Test func aDamagedSnapshotIsRecomputed() throws {
        let sample = "\(root)/SampleMaps/na-electrodeposit-cross-section"
        let body = """
            inputs: {map: \(sample)/indexed.ang, phases: [Na]}
            steps:
              - wild_spikes: {}
              - fill: {neighbours: [6, 5]}
              - pseudo_symmetry: {operator: 60@111}
            """
        let out = dir.appendingPathComponent("snap").path
        let r1 = try runEBSD(["pipeline", try recipe(body, name: "snap.yaml"), "--output", out])
        #expect(r1.status == 0, "\(r1.stderr)")
        let final1 = try Data(contentsOf: URL(fileURLWithPath: out + "/final.ang"))
        for f in ["01-wild_spikes", "02-fill", "03-pseudo_symmetry"] {
            let fm = FileManager.default
            #expect(fm.fileExists(atPath: "\(out)/\(f).ebsdmap") && fm.fileExists(atPath: "\(out)/\(f).ang"))
        }
        let snapshot = URL(fileURLWithPath: out + "/02-fill.ebsdmap")
        var bytes = try Data(contentsOf: snapshot)
        bytes[bytes.count - 20] ^= 0x01
        try bytes.write(to: snapshot)
        let stateURL = URL(fileURLWithPath: out + "/pipeline-state.json")
        var state = try JSONSerialization.jsonObject(with: Data(contentsOf: stateURL)) as! [[String: Any]]
        state = state.filter { ($0["index"] as! Int) < 2 }
        try JSONSerialization.data(withJSONObject: state).write(to: stateURL)
        try FileManager.default.removeItem(atPath: out + "/final.ang")
        let r2 = try runEBSD(["pipeline", try recipe(body, name: "snap.yaml"), "--output", out])
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(r2.stderr.contains("[1/3] wild_spikes: finished earlier"), "\(r2.stderr)")
        #expect(r2.stderr.contains("[2/3] fill: ") && r2.stderr.contains("checksum mismatch") && r2.stderr.contains("the step runs again"),
                "\(r2.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/final.ang")) == final1)
    }
}
