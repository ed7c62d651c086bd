import Foundation
import Yams

/// A protocol as a YAML recipe: the inputs and the ordered, typed steps.
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
/// Every key is checked as the recipe is read: an unknown step, or a key a step does not take
/// (`fill: {hagb: 5}`), is refused with the step's number and name and the key.
public struct PipelineRecipe: Decodable, Sendable, Hashable {
    public var name: String?
    public var output: String?
    public var inputs: RecipeInputs
    public var steps: [PipelineStep]
    /// How to run on a Slurm cluster (`ebsd pipeline RECIPE --slurm`); not part of what the steps compute.
    public var slurm: SlurmSettings?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, output, inputs, steps, slurm
    }

    public init(name: String? = nil, output: String? = nil, inputs: RecipeInputs, steps: [PipelineStep], slurm: SlurmSettings? = nil) {
        self.name = name
        self.output = output
        self.inputs = inputs
        self.steps = steps
        self.slurm = slurm
    }

    public init(from decoder: Decoder) throws {
        try RecipeKeys.refuseUnknown(decoder, known: CodingKeys.allCases.map(\.rawValue), in: "top level")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        output = try c.decodeIfPresent(String.self, forKey: .output)
        inputs = try c.decode(RecipeInputs.self, forKey: .inputs)
        var list = try c.nestedUnkeyedContainer(forKey: .steps)
        var steps: [PipelineStep] = []
        while !list.isAtEnd {
            steps.append(try list.decode(StepEntry.self).step(number: steps.count + 1))
        }
        self.steps = steps
        slurm = try c.decodeIfPresent(SlurmSettings.self, forKey: .slurm)
    }

    /// One element of `steps`: a mapping with a single key, the step's name, and its parameters.
    struct StepEntry: Decodable {
        let name: String
        let parameters: Decoder?

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: StepParameters.Key.self)
            guard c.allKeys.count == 1, let k = c.allKeys.first else {
                throw RecipeError("a step is one name with its parameters, e.g. '- fill: {neighbours: [6, 5]}'")
            }
            name = k.stringValue
            parameters = try c.decodeNil(forKey: k) ? nil : try c.superDecoder(forKey: k)
        }

        func step(number: Int) throws -> PipelineStep { try PipelineStep.read(number: number, name: name, parameters: parameters) }
    }

    /// Reads a recipe file; returns it with its text (for the report).
    public static func load(_ path: String) throws -> (recipe: PipelineRecipe, text: String) {
        guard let data = FileManager.default.contents(atPath: path) else { throw RecipeError("\(path): cannot read the recipe") }
        let text = String(decoding: data, as: UTF8.self)
        return (try parse(text, path: path), text)
    }

    /// Parses recipe text; errors name `path` and the place in the YAML.
    public static func parse(_ text: String, path: String) throws -> PipelineRecipe {
        do {
            return try YAMLDecoder().decode(PipelineRecipe.self, from: text)
        } catch let e as RecipeError {
            throw RecipeError("\(path): \(e)")
        } catch let e as DecodingError {
            if let inner = underlying(e) as? RecipeError { throw RecipeError("\(path): \(inner)") }
            throw RecipeError("\(path): \(describe(e))")
        } catch {
            throw RecipeError("\(path): not a valid YAML recipe (\(error))")
        }
    }

    /// The error a step's reader threw, which the YAML decoder wraps in a `DecodingError`.
    static func underlying(_ e: DecodingError) -> Error? {
        switch e {
        case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c):
            if let inner = c.underlyingError as? DecodingError { return underlying(inner) }
            return c.underlyingError
        @unknown default: return nil
        }
    }

    static func describe(_ e: DecodingError) -> String {
        func place(_ p: [CodingKey]) -> String {
            p.isEmpty ? "top level" : p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .keyNotFound(let k, let c): return "missing '\(k.stringValue)' at \(place(c.codingPath))"
        case .typeMismatch(let t, let c): return "at \(place(c.codingPath)): expected \(t) (\(c.debugDescription))"
        case .valueNotFound(let t, let c): return "at \(place(c.codingPath)): expected a \(t) value"
        case .dataCorrupted(let c): return "at \(place(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}
