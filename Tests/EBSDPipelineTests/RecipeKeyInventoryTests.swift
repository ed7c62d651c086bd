import Foundation
import Testing
import TestSupport
@testable import EBSDPipeline
import Figures
import Grains
import HoughIndexing
import MapCleanup
import PatternMatching
import Preprocessing

/// Issue 26: every key of every recipe step, as the steps themselves list them (a step refuses an unknown key and
/// names the keys it takes), is accounted for here with the library's default and another value: written with its
/// default the step is the step left empty (the key's default is the library's); written with the other value the
/// step differs (the key reaches a field). A new key fails this test until it is entered.
@Suite struct RecipeKeyInventoryTests {
    /// Per step: key → (the library's default as YAML, or nil where the default is "not given"; another value).
    static let inventory: [String: [String: (default: String?, other: String)]] = {
        let signal = MatchingSignalOptions(), dictionary = DictionaryMatchOptions(), refinement = RefinementOptions()
        let fill = ZeroSolutionFill(), spikes = WildSpikeRemoval(), dissolve = MinimumGrainSize(), grains = GrainAnalysis.Parameters()
        let pseudo = PseudoSymmetryCorrection(operators: [])
        func yaml(_ v: Any) -> String { "\(v)" }
        let signalKeys: [String: (String?, String)] = [
            "static_background": (signal.staticBackground.description, "none"), "dynamic_background": (nil, "3"),
            "gaussian": (yaml(signal.gaussianSigma), "1.5"), "binning": (yaml(signal.binning), "2"), "psf": (yaml(signal.psfSigma), "0.8"),
            "circular_mask": (yaml(signal.circularMask), "true"),
        ]
        return [
            "nlpar": ["lambda": (nil, "0.5"), "radius": (yaml(NLPAR.defaultSearchRadius), "2")],
            "hough": [
                "bands": (yaml(HoughIndexer.defaultBandCount), "9"), "theta_steps": (yaml(HoughIndexer.defaultThetaCount), "120"),
                "families": (nil, "5"), "static_background": (HoughIndexer.defaultStaticBackground.description, "none"),
                "binning": (nil, "2"),
            ],
            "match": signalKeys.merging([
                "resolution": (yaml(dictionary.resolutionDegrees), "3"), "keep": (yaml(dictionary.keep), "3"), "min_score": (nil, "0.1"),
                "memory": (nil, "512MB"), "dictionary_cache": (nil, "d.bin"), "fast": (yaml(dictionary.fast), "true"),
                "components": (yaml(dictionary.components), "64"), "precision": (dictionary.precision.rawValue, "float32"),
                "seed": (MatchStep().seed.rawValue, "hough"), "seed_min_score": (nil, "0.2"),
                "seed_relative_score": (yaml(SeedCheck().relativeScore), "0.7"),
                "seed_tolerance": (yaml(SeedCheck().toleranceDegrees), "3"),
            ]) { a, _ in a },
            "refine": signalKeys.merging([
                "refine_pc": (yaml(refinement.refinePC), "true"), "map_pc": (yaml(refinement.mapPCPatterns), "9"),
                "map_pc_range": (yaml(refinement.mapPCRange), "0.02"), "map_pc_restarts": (yaml(refinement.mapPCRestarts), "3"),
                "pseudo_symmetry": (nil, "60@111"), "fast": (yaml(refinement.fastSearch), "true"),
                "memory": ("\(refinement.memoryBytes >> 30)GB", "512MB"),
            ]) { a, _ in a },
            "neighbour_check": signalKeys.merging(["threshold": (yaml(NeighbourCheckStep.defaultThreshold), "0.3")]) { a, _ in a },
            "wild_spikes": ["tolerance": (yaml(spikes.toleranceDegrees), "5"), "to_zero": (yaml(spikes.replaceWithZeroSolution), "true")],
            "fill": [
                "neighbours": ("[\(fill.neighbourCounts.map(String.init).joined(separator: ", "))]", "[6]"),
                "tolerance": (yaml(fill.toleranceDegrees), "5"), "max_hole": (yaml(fill.maximumHolePixels), "20"),
                "last_once": (yaml(fill.lastOnce), "true"),
            ],
            "pseudo_symmetry": [
                "operator": (nil, "90@100"), "verify": ("false", "true"), "tolerance": (yaml(pseudo.toleranceDegrees), "3"),
                "max_fragment": (yaml(pseudo.maximumFragmentPixels), "50"), "dynamic_background": (nil, "4"),
            ],
            "min_grain_size": ["min_size": (yaml(dissolve.minimumPixels), "9"), "tolerance": (yaml(dissolve.thresholdDegrees), "5")],
            "grains": [
                "hagb": (yaml(grains.boundaries.highDegrees), "15"), "lagb": (yaml(grains.boundaries.lowDegrees), "1"),
                "min_size": (yaml(grains.minimumPixels), "3"), "connectivity": (yaml(grains.connectivity.rawValue), "4"),
            ],
            "ipf": [
                "directions": ("[z]", "[x, y]"), "boundaries": ("true", "false"),
                "hagb": (yaml(BoundaryThresholds.defaultHighDegrees), "15"),
                "lagb": (yaml(BoundaryThresholds.defaultLowDegrees), "1"), "scale": (yaml(MapRenderer.defaultScale), "2"),
                "shade": (nil, "iq"),
            ],
        ]
    }()

    /// Parameters every instance of the step needs (pseudo_symmetry's operator).
    static let required: [String: String] = ["pseudo_symmetry": "operator: 60@111"]

    static func step(_ name: String, _ parameters: [String]) throws -> PipelineStep {
        let all = (required[name].map { [$0] } ?? []) + parameters
        let yaml = "inputs: {map: m.ang, phases: [Na]}\nsteps:\n  - \(name): {\(all.joined(separator: ", "))}\n"
        return try PipelineRecipe.parse(yaml, path: "t.yaml").steps[0]
    }

    /// The keys step `name` takes, as its own refusal of an unknown key lists them.
    static func keys(of name: String) throws -> Set<String> {
        do {
            _ = try step(name, ["no_such_key: 1"])
        } catch {
            let text = "\(error)"
            guard let open = text.range(of: "takes: "), let close = text.range(of: ")", range: open.upperBound..<text.endIndex) else {
                return []
            }
            return Set(text[open.upperBound..<close.lowerBound].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return []
    }

    @Test func everyStepKeyHasTheLibrarysDefault() throws {
        #expect(Set(PipelineStep.kinds.map { $0.stepName }) == Set(Self.inventory.keys), "every step kind is in the inventory")
        var checked = 0
        for (name, table) in Self.inventory {
            let listed = try Self.keys(of: name)
            #expect(listed == Set(table.keys), "\(name) takes \(listed.sorted()); the inventory has \(table.keys.sorted())")
            let base = try Self.step(name, [])
            for (key, values) in table where !(Self.required[name]?.hasPrefix(key + ":") ?? false) {
                if let d = values.default {
                    #expect(try Self.step(name, ["\(key): \(d)"]) == base, "\(name).\(key): \(d) is not the step's default")
                }
                #expect(try Self.step(name, ["\(key): \(values.other)"]) != base, "\(name).\(key): \(values.other) changes nothing")
                checked += 1
            }
        }
        print("recipe keys checked: \(checked) of \(Self.inventory.count) steps")
        #expect(checked > 50, "keys checked: \(checked)")
    }
}
