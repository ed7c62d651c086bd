import Foundation
import Testing
import TestSupport
@testable import EBSDCommand
@testable import EBSDPipeline

/// Issue 26: a CLI option is only a spelling of a field of the library's parameter types, as a recipe key is. Each
/// test parses the `ebsd` options (swift-argument-parser, as the tool does) and checks that, left out, they give
/// the library type's defaults and, given, the same value the recipe's keys give.
@Suite struct OptionMappingTests {
    /// Every detector option lands on its `DetectorOverrides` field (the recipe's keys: ParameterMappingTests).
    @Test func detectorOptionsAndRecipeKeysAgree() throws {
        let cli = try GeometryOptions.parse([
            "--pattern-shape", "80x90", "--pc", "0.41,0.22,0.63", "--convention", "tsl", "--sample-tilt", "69.5",
            "--detector-tilt", "3.5", "--azimuthal", "1.25", "--binning", "4", "--pixel-size", "55", "--pc-map", "pc.json",
        ])
        // the same values as ParameterMappingTests gives through the recipe's inputs.detector keys
        let want = DetectorOverrides(
            patternShape: GridShape(rows: 80, columns: 90), pc: PatternCenter(0.41, 0.22, 0.63), convention: .tsl, sampleTilt: 69.5,
            detectorTilt: 3.5, azimuthal: 1.25, binning: 4, pixelSize: 55, pcMap: "pc.json")
        #expect(try cli.overrides == want)
        #expect(try GeometryOptions.parse([]).overrides == DetectorOverrides(), "no option given: nothing overridden")
        #expect(Mirror(reflecting: DetectorOverrides()).children.count == 9, "a new field needs its option and its key")
    }

    /// `--hagb`/`--lagb` of grains, ipf and plot default to `BoundaryThresholds`.
    @Test func boundaryThresholdDefaults() throws {
        let want = BoundaryThresholds()
        let grains = try GrainsCommand.parse(["m.ang"])
        #expect(try grains.parameters == GrainAnalysis.Parameters())
        // outputs in the system's temporary folder (the commands check that an output's folder exists)
        let folder = FileManager.default.temporaryDirectory
        let ipf = try IPFMap.parse(["m.ang", "-o", folder.appendingPathComponent("ipf.png").path])
        let plot = try Plot.parse(["grains", "m.ang", "-o", folder.appendingPathComponent("plot.png").path])
        for (name, low, high) in [("ipf", ipf.lagb, ipf.hagb), ("plot", plot.lagb, plot.hagb)] {
            #expect(BoundaryThresholds(lowDegrees: low, highDegrees: high) == want, "\(name)")
        }
        #expect(throws: (any Error).self) { try GrainsCommand.parse(["m.ang", "--hagb", "5", "--lagb", "6"]) }
    }

    /// Refinement and signal options left out are `RefinementOptions()` and `MatchingSignalOptions()`; given, they
    /// equal the refine step's keys.
    @Test func refinementAndSignalOptions() throws {
        #expect(try RefineOptions.parse([]).options() == RefinementOptions())
        let matching = try MatchingOptions.parse(["--master", "m.tif"])
        #expect(matching.signalOptions == MatchingSignalOptions())
        #expect(try matching.bytes() == DictionaryMatchOptions.defaultMemoryBytes, "--memory's default is the library's")
        let cli = try RefineOptions.parse([
            "--refine-pc", "--map-pc", "9", "--map-pc-range", "0.02", "--map-pc-restarts", "3", "--fast-refine",
        ])
        let yaml = "inputs: {map: m.ang, phases: [Na]}\nsteps:\n"
            + "  - refine: {refine_pc: true, map_pc: 9, map_pc_range: 0.02, map_pc_restarts: 3, fast: true}\n"
        guard case .refine(let step) = try PipelineRecipe.parse(yaml, path: "t.yaml").steps[0] else { Issue.record("refine"); return }
        #expect(try cli.options() == step.refinement)
        do {
            _ = try RefineOptions.parse(["--map-pc-range", "0"])
            Issue.record("--map-pc-range 0 accepted")
        } catch {
            let message = RefineOptions.message(for: error)
            #expect(message.contains("--map-pc-range must be > 0"), "\(message)")
        }
    }
}
