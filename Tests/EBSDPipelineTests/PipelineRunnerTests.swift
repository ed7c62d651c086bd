import Foundation
import Testing
import EBSDPipeline
import TestSupport

/// The pipeline as a library, in-process: typed steps read strictly from recipes, the same
/// defaults as the stage APIs, and a run of the clean-up part of the reference protocol on the
/// shipped "as indexed" map, checked against the sample's ground truth and the stage APIs.
@Suite struct PipelineRunnerTests {
    let root = SharedData.packageRoot.path
    var sample: String { "\(root)/SampleMaps/na-electrodeposit-cross-section" }

    func parse(_ steps: String) throws -> PipelineRecipe {
        try PipelineRecipe.parse("inputs: {map: \(sample)/indexed.ang, phases: [Na]}\nsteps:\n\(steps)", path: "test.yaml")
    }

    @Test func misplacedAndUnknownKeysAreRefusedNamingStepAndKey() throws {
        let cases: [(String, String)] = [
            ("  - fill: {hagb: 5}\n", "step 1 (fill): unknown parameter 'hagb'"),
            ("  - wild_spikes: {}\n  - grains: {neighbours: [6]}\n", "step 2 (grains): unknown parameter 'neighbours'"),
            ("  - match: {resolution: fine}\n", "step 1 (match): 'resolution' must be a number"),
            ("  - polish: {}\n", "step 1: unknown step 'polish'"),
            ("  - pseudo_symmetry: {operator: 60@11}\n", "step 1 (pseudo_symmetry): pseudo-symmetry operator '60@11'"),
            ("  - ipf: {directions: [w]}\n", "step 1 (ipf): direction 'w'"),
        ]
        for (steps, message) in cases {
            #expect(throws: RecipeError.self) { try parse(steps) }
            do { _ = try parse(steps) } catch { #expect("\(error)".contains(message), "\(error)") }
        }
        #expect(throws: RecipeError.self) {
            try PipelineRecipe.parse(
                "inputs: {map: x.ang, phases: [Na], detectr: {pc: [0.5, 0.5, 0.6]}}\nsteps:\n  - wild_spikes: {}\n", path: "t.yaml")
        }
    }

    @Test func recipeValuesReachTheTypedSteps() throws {
        let r = try parse(
            """
              - match: {fast: true, components: 64, resolution: 3, min_score: 0.1, memory: 512MB, psf: 0.8}
              - fill: {neighbours: [8, 7, 6, 5], last_once: true}
              - pseudo_symmetry: {operator: [60@111, 90@100], verify: true}
              - hough: {}
            """)
        guard case .match(let m) = r.steps[0], case .fill(let f) = r.steps[1], case .pseudoSymmetry(let p) = r.steps[2],
            case .hough(let h) = r.steps[3]
        else {
            Issue.record("steps read as \(r.steps.map(\.name))")
            return
        }
        #expect(m.matching.fast && m.matching.components == 64 && m.matching.resolutionDegrees == 3 && m.matching.minimumScore == 0.1)
        #expect(m.matching.memoryBytes == 512 << 20 && m.signal.psfSigma == 0.8)
        #expect(f.fill.neighbourCounts == [8, 7, 6, 5] && f.fill.lastOnce)
        #expect(p.operators.map(\.description) == ["60@111", "90@100"] && p.verify)
        // defaults: the stage types' own, from recipes as from Swift
        #expect(h.bands == HoughIndexer.defaultBandCount && h.families == nil)
        #expect(
            f.fill.toleranceDegrees == ZeroSolutionFill().toleranceDegrees
                && f.fill.maximumHolePixels == ZeroSolutionFill().maximumHolePixels)
        #expect(m.signal.dynamicBackgroundSigma == nil && m.signal.dynamicBackground(columns: 60) == 7.5)
    }

    /// Clean-up, grains and figures in-process from the shipped "as indexed" map: the map after
    /// the run equals the stage APIs applied by hand, is closer to the ground truth than the
    /// input, and the grain table has the same 15 columns as `ebsd grains`.
    @Test func cleanUpRunInProcess() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-runner-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let recipe = try PipelineRecipe.parse(
            """
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
              - grains: {}
              - ipf: {directions: [y]}
            """, path: "inline.yaml")
        var runner = try PipelineRunner(recipe: recipe, base: "", outputFolder: out)
        var lines: [String] = []
        runner.message = { lines.append($0) }
        let final = try #require(try runner.run())
        #expect(runner.log.map(\.name) == ["wild_spikes", "fill", "pseudo_symmetry", "grains", "ipf"])
        #expect(lines.contains { $0.contains("pseudo-symmetry: fragments corrected 1, pixels corrected 7") }, "\(lines)")

        // the same by hand with the stage APIs
        let start = try MapFile.read("\(sample)/indexed.ang")
        let stack = try PatternStack.open("\(sample)/patterns.tif", mapShape: (24, 100))
        let master = try MasterPattern.read("\(root)/MasterPatterns/Na-20kV-kinematical.tif")
        let check = PatternFlipCheck(
            stack: stack, master: master, detector: Detector(rows: 60, columns: 60, pc: PatternCenter(0.5, 0.5, 0.6)))
        let (byHand, _) = try start.cleaned(by: [
            WildSpikeRemoval(), ZeroSolutionFill(), PseudoSymmetryCorrection([.cubicSigma3], verify: check.verifier),
        ])
        let written = try MapFile.read("\(out)/final.ang")
        #expect(written.phaseIndex == byHand.phaseIndex)
        let worst =
            (0..<written.count).filter { written.isIndexed($0) }.map {
                Orientation(written.rotations[$0], .cubicHigh).disorientationAngle(to: Orientation(byHand.rotations[$0], .cubicHigh)) * 180
                    / .pi
            }.max() ?? 0
        #expect(worst < 0.01, "final map vs stage APIs: \(worst)°")
        #expect(final.count == written.count)

        // closer to the truth than the input
        let truth = try MapFile.read("\(sample)/truth.ang")
        func within2(_ m: CrystalMap) -> Int {
            (0..<m.count).filter {
                m.isIndexed($0) && truth.isIndexed($0)
                    && Orientation(m.rotations[$0], .cubicHigh).disorientationAngle(to: Orientation(truth.rotations[$0], .cubicHigh)) < 2
                        * .pi / 180
            }.count
        }
        #expect(within2(written) > within2(start), "\(within2(written)) vs \(within2(start)) pixels within 2° of the truth")

        let csv = try String(contentsOfFile: "\(out)/grains.csv", encoding: .utf8).components(separatedBy: "\n")
        #expect(csv[0] == GrainAnalysis.csvHeader && csv[0].split(separator: ",").count == 15)
        #expect(csv.filter { !$0.isEmpty }.count - 1 == (try GrainAnalysis(written)).statistics.count)
        for f in ["ipf-y.png", "phase.png", "grains.json", "report.html", "report.md"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(f)"), "\(f)")
        }
    }

    /// Leaves `folder` as a run of three steps killed in its last: no final.ang, the first two steps logged.
    func killedInTheLastStep(_ folder: String) throws {
        try FileManager.default.removeItem(atPath: folder + "/final.ang")
        let stateURL = URL(fileURLWithPath: folder + "/pipeline-state.json")
        var state = try JSONSerialization.jsonObject(with: Data(contentsOf: stateURL)) as! [[String: Any]]
        state = state.filter { ($0["index"] as! Int) < 2 }
        try JSONSerialization.data(withJSONObject: state).write(to: stateURL)
    }

    /// Clean-up steps of maps over ``PipelineRunner/snapshotLimit`` points keep no snapshot (writing one costs about
    /// what the step does); a resumed run recomputes them from the last map kept (here: the start map) and ends with
    /// the same final map, byte for byte, as a run that keeps every step's map.
    @Test func cleanUpStepsOfBigMapsAreRecomputedOnResume() throws {
        let recipe = try parse("  - wild_spikes: {}\n  - fill: {neighbours: [6, 5]}\n  - pseudo_symmetry: {operator: 60@111}\n")
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-snapshots-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        var keeping = try PipelineRunner(recipe: recipe, base: "", outputFolder: base + "/keep")
        keeping.message = { _ in }
        try keeping.run()
        let reference = try Data(contentsOf: URL(fileURLWithPath: base + "/keep/final.ang"))
        #expect(FileManager.default.fileExists(atPath: base + "/keep/02-fill.ebsdmap"))

        let out = base + "/big"
        var runner = try PipelineRunner(recipe: recipe, base: "", outputFolder: out)
        runner.snapshotLimit = 0
        var lines: [String] = []
        runner.message = { lines.append($0) }
        try runner.run()
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(!files.contains { $0.hasSuffix(".ebsdmap") || $0.hasPrefix("0") }, "\(files)")
        #expect(runner.log.allSatisfy { $0.file == nil })
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/final.ang")) == reference)
        // killed in the last step: the two finished steps have no map to resume from, so they run again
        try killedInTheLastStep(out)
        lines = []
        try runner.run()
        #expect(lines.contains("[1/3] wild_spikes") && lines.contains("[2/3] fill"), "\(lines)")
        #expect(!lines.contains { $0.contains("finished earlier") }, "\(lines)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/final.ang")) == reference)
        // with the fill's map kept (a run that kept it), the resumed run reads only that map and recomputes the rest
        var resumed = try PipelineRunner(recipe: recipe, base: "", outputFolder: base + "/keep")
        try killedInTheLastStep(base + "/keep")
        lines = []
        resumed.message = { lines.append($0) }
        try resumed.run()
        #expect(lines.contains("[1/3] wild_spikes: finished earlier"), "\(lines)")
        #expect(lines.contains("[2/3] fill: finished earlier, resumed from 02-fill.ebsdmap"), "\(lines)")
        #expect(lines.contains("[3/3] pseudo_symmetry"), "\(lines)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: base + "/keep/final.ang")) == reference)
    }

    /// `final.ang` is written while the grains and figure steps run (``BackgroundMapWrite``): a write that fails is the
    /// run's error, said once the steps are done, and leaves no temporary file.
    @Test func aFinalMapThatCannotBeWrittenFailsTheRun() throws {
        let recipe = try parse("  - wild_spikes: {}\n  - grains: {}\n")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-final-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var runner = try PipelineRunner(recipe: recipe, base: "", outputFolder: out)
        runner.message = { _ in }
        // once the map step is done, a folder takes final.ang's place
        runner.madeMap = { _, _ in
            try FileManager.default.createDirectory(atPath: out + "/final.ang/inside", withIntermediateDirectories: true)
        }
        do {
            try runner.run()
            Issue.record("the run succeeded although final.ang is a folder")
        } catch {
            #expect("\(error)".contains("final.ang") && "\(error)".contains("folder"), "\(error)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(files.contains("grains.csv"), "\(files)")
        #expect(!files.contains { $0.hasPrefix(".") && $0 != ".ebsd-lock" }, "a temporary file is left: \(files)")
    }
}
