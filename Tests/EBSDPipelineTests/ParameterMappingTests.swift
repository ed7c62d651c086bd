import Foundation
import Testing
import TestSupport
@testable import DetectorGeometry
@testable import EBSDPipeline
@testable import Grains
@testable import PatternMatching
@testable import Crystallography
import EBSDCore

/// Issue 26: a recipe key is only a spelling of a field of the library's parameter types; each default lives in
/// that type. These tests read recipes that give every key of a group and check each lands on its field, and that
/// a recipe that gives none gets the type's own defaults.
@Suite struct ParameterMappingTests {
    let sample = SharedData.packageRoot.appendingPathComponent("SampleMaps/na-electrodeposit-cross-section").path

    func steps(_ yaml: String) throws -> [PipelineStep] {
        try PipelineRecipe.parse("inputs: {map: \(sample)/indexed.ang, phases: [Na]}\nsteps:\n\(yaml)", path: "test.yaml").steps
    }

    /// Every field of `DetectorOverrides` has a key in `inputs.detector`, and each key sets its field.
    @Test func recipeDetectorKeysCoverTheOverrides() throws {
        let yaml = """
            inputs:
              patterns: p.tif
              phases: [Na]
              detector: {pattern_shape: 80x90, pc: [0.41, 0.22, 0.63], convention: tsl, sample_tilt: 69.5, detector_tilt: 3.5,
                         azimuthal: 1.25, binning: 4, pixel_size: 55.0, pc_map: pc.json}
            steps:
              - hough: {}
            """
        let r = try PipelineRecipe.parse(yaml, path: "test.yaml")
        let got = try #require(r.inputs.detector?.overrides)
        let want = DetectorOverrides(
            patternShape: GridShape(rows: 80, columns: 90), pc: PatternCenter(0.41, 0.22, 0.63), convention: .tsl, sampleTilt: 69.5,
            detectorTilt: 3.5, azimuthal: 1.25, binning: 4, pixelSize: 55, pcMap: "pc.json")
        #expect(got == want)
        let fields = Mirror(reflecting: DetectorOverrides()).children.count
        #expect(RecipeDetector.CodingKeys.allCases.count == fields, "one recipe key per DetectorOverrides field")
        // nothing given: the file's geometry under DetectorOptions' defaults, unchanged
        #expect(DetectorOverrides().applied() == DetectorOptions())
    }

    /// `hagb`/`lagb` of `grains` and `ipf` set `BoundaryThresholds`; left out, both steps have its defaults, and
    /// the same check refuses lagb ≥ hagb in both.
    @Test func boundaryThresholdsFromOneType() throws {
        let defaults = try steps("  - grains: {}\n  - ipf: {}\n")
        guard case .grains(let g) = defaults[0], case .ipf(let i) = defaults[1] else { Issue.record("steps"); return }
        #expect(g.parameters.boundaries == BoundaryThresholds() && i.boundaryThresholds == BoundaryThresholds())
        #expect(BoundaryThresholds().highDegrees == 10 && BoundaryThresholds().lowDegrees == 2, "the reference study's")
        let given = try steps("  - grains: {hagb: 15, lagb: 3}\n  - ipf: {hagb: 15, lagb: 3, directions: [Y, z]}\n")
        guard case .grains(let g2) = given[0], case .ipf(let i2) = given[1] else { Issue.record("steps"); return }
        let want = BoundaryThresholds(lowDegrees: 3, highDegrees: 15)
        #expect(g2.parameters.boundaries == want && i2.boundaryThresholds == want)
        #expect(i2.directions == [.y, .z])
        for step in ["grains", "ipf"] {
            #expect(throws: RecipeError.self) { try steps("  - \(step): {hagb: 5, lagb: 6}\n") }
        }
        #expect(throws: RecipeError.self) { try steps("  - ipf: {directions: [w]}\n") }
    }

    /// The refine step's keys set `RefinementOptions`, which validates them itself (the CLI calls the same check).
    @Test func refinementKeysAndTheirCheck() throws {
        let s = try steps("  - refine: {refine_pc: true, map_pc: 9, map_pc_range: 0.02, map_pc_restarts: 3, fast: true}\n")
        guard case .refine(let r) = s[0] else { Issue.record("step"); return }
        var want = RefinementOptions()
        want.refinePC = true
        want.mapPCPatterns = 9
        want.mapPCRange = 0.02
        want.mapPCRestarts = 3
        want.fastSearch = true
        #expect(r.refinement == want)
        guard case .refine(let d) = try steps("  - refine: {}\n")[0] else { Issue.record("step"); return }
        #expect(d.refinement == RefinementOptions())
        do {
            _ = try steps("  - refine: {map_pc_range: 0}\n")
            Issue.record("map_pc_range 0 accepted")
        } catch let e as RecipeError {
            #expect("\(e)".contains("map_pc_range must be > 0"), "\(e)")
        }
    }

    /// One dynamic-background default: every stage's σ for a 60 px pattern is the same 7.5 px.
    @Test func dynamicBackgroundDefault() {
        #expect(DynamicBackground.defaultSigma(columns: 60) == 7.5)
        #expect(MatchingSignalOptions().dynamicBackground(columns: 60) == DynamicBackground.defaultSigma(columns: 60))
    }
}
