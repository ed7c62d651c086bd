import Foundation
import Yams

/// A pipeline recipe (YAML): the inputs and the ordered steps of a protocol.
///
///     name: reference protocol
///     output: ../out/reference-protocol        # relative to the recipe's folder
///     inputs:
///       patterns: na-electrodeposit-cross-section/patterns.tif
///       map_shape: 24x100
///       step_um: 3
///       detector: {pattern_shape: 60x60, pc: [0.5, 0.5, 0.6], convention: bruker, sample_tilt: 70, detector_tilt: 0}
///       phases: [Na]
///       master_patterns: {Na: ../MasterPatterns/Na-20kV-kinematical.tif}
///     steps:
///       - hough: {bands: 9}
///       - match: {resolution: 2}
///       - refine: {}
///       - wild_spikes: {}
///       - fill: {neighbours: [6, 5]}
///       - grains: {hagb: 10, lagb: 2}
///       - ipf: {directions: [y, z], boundaries: true}
///
/// Paths are relative to the recipe file's folder.
public struct Recipe: Decodable {
    public var name: String?
    public var output: String?
    public var inputs: RecipeInputs
    public var steps: [RecipeStep]

    public static func load(_ path: String) throws -> (Recipe, text: String) {
        guard let data = FileManager.default.contents(atPath: path) else { throw RecipeError("\(path): cannot read the recipe") }
        let text = String(decoding: data, as: UTF8.self)
        return (try parse(text, path: path), text)
    }

    /// Parses recipe text; errors name `path` and the place in the YAML.
    public static func parse(_ text: String, path: String) throws -> Recipe {
        do {
            return try YAMLDecoder().decode(Recipe.self, from: text)
        } catch let e as DecodingError {
            throw RecipeError("\(path): \(Self.describe(e))")
        } catch {
            throw RecipeError("\(path): not a valid YAML recipe (\(error))")
        }
    }

    public static func describe(_ e: DecodingError) -> String {
        func where_(_ p: [CodingKey]) -> String { p.isEmpty ? "top level" : p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
        switch e {
        case .keyNotFound(let k, let c): return "missing '\(k.stringValue)' at \(where_(c.codingPath))"
        case .typeMismatch(let t, let c): return "at \(where_(c.codingPath)): expected \(t) (\(c.debugDescription))"
        case .valueNotFound(let t, let c): return "at \(where_(c.codingPath)): expected a \(t) value"
        case .dataCorrupted(let c): return "at \(where_(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}

public struct RecipeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

public struct RecipeInputs: Decodable {
    public var patterns: String?
    public var map: String?
    public var mapShape: String?
    public var stepMicrons: Double?
    public var detector: RecipeDetector?
    public var phases: [String]
    public var masterPatterns: [String: String]?
    public var voltageKV: Double?

    enum CodingKeys: String, CodingKey {
        case patterns, map, detector, phases
        case mapShape = "map_shape", stepMicrons = "step_um", masterPatterns = "master_patterns", voltageKV = "voltage_kv"
    }
}

public struct RecipeDetector: Decodable {
    public var patternShape: String?
    public var pc: [Double]
    public var convention: String?
    public var sampleTilt: Double?
    public var detectorTilt: Double?

    enum CodingKeys: String, CodingKey {
        case pc, convention
        case patternShape = "pattern_shape", sampleTilt = "sample_tilt", detectorTilt = "detector_tilt"
    }
}

/// One step: a mapping with a single key (the step's name) and its parameters.
public struct RecipeStep: Decodable {
    public var name: String
    public var params: StepParameters

    public struct Key: CodingKey {
        public var stringValue: String
        public var intValue: Int? { nil }
        public init(stringValue: String) { self.stringValue = stringValue }
        public init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard c.allKeys.count == 1, let k = c.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a step is one name with its parameters, e.g. '- fill: {neighbours: [6, 5]}'"))
        }
        name = k.stringValue
        params = (try? c.decodeNil(forKey: k)) == true ? StepParameters() : try c.decode(StepParameters.self, forKey: k)
    }
}

/// Every parameter any step takes (each step reads its own; unknown keys are refused).
public struct StepParameters: Decodable, Hashable {
    public var bands: Int?
    public var resolution: Double?
    public var fast: Bool?
    public var components: Int?
    public var psf: Double?
    public var staticBackground: String?
    public var dynamicBackground: Double?
    public var memory: String?
    public var threshold: Double?
    public var minScore: Double?
    public var neighbours: [Int]?
    public var tolerance: Double?
    public var maxHole: Int?
    public var `operator`: [String]?
    public var verify: Bool?
    public var refinePC: Bool?
    public var pseudoSymmetry: [String]?
    public var minSize: Int?
    public var hagb: Double?
    public var lagb: Double?
    public var directions: [String]?
    public var boundaries: Bool?
    public var scale: Int?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case bands, resolution, fast, components, psf, memory, threshold, neighbours, tolerance, verify, hagb, lagb, directions, boundaries, scale
        case `operator`
        case staticBackground = "static_background", dynamicBackground = "dynamic_background", maxHole = "max_hole"
        case refinePC = "refine_pc", pseudoSymmetry = "pseudo_symmetry", minSize = "min_size", minScore = "min_score"
    }

    public init(from decoder: Decoder) throws {
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        let any = try decoder.container(keyedBy: RecipeStep.Key.self)
        for k in any.allKeys where !known.contains(k.stringValue) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [k], debugDescription: "unknown parameter '\(k.stringValue)' (known: \(known.sorted().joined(separator: ", ")))"))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bands = try c.decodeIfPresent(Int.self, forKey: .bands)
        resolution = try c.decodeIfPresent(Double.self, forKey: .resolution)
        fast = try c.decodeIfPresent(Bool.self, forKey: .fast)
        components = try c.decodeIfPresent(Int.self, forKey: .components)
        psf = try c.decodeIfPresent(Double.self, forKey: .psf)
        staticBackground = try c.decodeIfPresent(String.self, forKey: .staticBackground)
        dynamicBackground = try c.decodeIfPresent(Double.self, forKey: .dynamicBackground)
        memory = try c.decodeIfPresent(String.self, forKey: .memory)
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        minScore = try c.decodeIfPresent(Double.self, forKey: .minScore)
        neighbours = try c.decodeIfPresent([Int].self, forKey: .neighbours)
        tolerance = try c.decodeIfPresent(Double.self, forKey: .tolerance)
        maxHole = try c.decodeIfPresent(Int.self, forKey: .maxHole)
        if let one = try? c.decodeIfPresent(String.self, forKey: .operator) { `operator` = [one] } else { `operator` = try c.decodeIfPresent([String].self, forKey: .operator) }
        verify = try c.decodeIfPresent(Bool.self, forKey: .verify)
        refinePC = try c.decodeIfPresent(Bool.self, forKey: .refinePC)
        pseudoSymmetry = try c.decodeIfPresent([String].self, forKey: .pseudoSymmetry)
        minSize = try c.decodeIfPresent(Int.self, forKey: .minSize)
        hagb = try c.decodeIfPresent(Double.self, forKey: .hagb)
        lagb = try c.decodeIfPresent(Double.self, forKey: .lagb)
        directions = try c.decodeIfPresent([String].self, forKey: .directions)
        boundaries = try c.decodeIfPresent(Bool.self, forKey: .boundaries)
        scale = try c.decodeIfPresent(Int.self, forKey: .scale)
    }
}
