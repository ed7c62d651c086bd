import Foundation
import Crystallography
import CrystalMaps
import DetectorGeometry
import PatternSimulation
import PatternStacks

/// A recipe's inputs, opened and checked: the phases, the detector and pattern stack (when
/// given), the master pattern of each phase (when given), the map to start from.
public struct PipelineInputs: Sendable {
    public var phases: [Phase] = []
    public var detector: Detector?
    public var stack: PatternStack?
    public var masters: [String: MasterPattern] = [:]
    public var startMap: CrystalMap?
    public var voltageKV = Electron.defaultVoltageKV
    /// The map rows the steps work on (a shard of a job array), or nil for the whole map: steps then read only
    /// these rows of the stack (``PatternStacks/PatternStack/mapRows(_:)``).
    public var rows: Range<Int>?

    /// Opens and checks `inputs` (paths relative to `base`) against what `steps` need.
    public init(_ inputs: RecipeInputs, steps: [PipelineStep], base: String) throws {
        guard !steps.isEmpty else { throw RecipeError("no steps") }
        phases = try inputs.phases.map { name in
            do { return try Phase.resolve(name) } catch { throw RecipeError("inputs.phases: \(error)") }
        }
        guard !phases.isEmpty else { throw RecipeError("inputs.phases is empty") }
        voltageKV = inputs.voltageKV ?? voltageKV
        let numbered = Array(steps.enumerated())
        if let first = numbered.first(where: { $0.element.needsPatterns }), inputs.patterns == nil {
            throw RecipeError("step \(first.offset + 1) (\(first.element.name)) needs patterns, but inputs.patterns is not given")
        }
        if let first = numbered.first(where: { $0.element.needsMasterPattern }) {
            for ph in phases where inputs.masterPatterns?[ph.name] == nil {
                throw RecipeError(
                    "step \(first.offset + 1) (\(first.element.name)) needs a master pattern of \(ph.name), "
                        + "but inputs.master_patterns has none")
            }
            if phases.count > 1 { throw RecipeError("pattern matching takes one phase (inputs.phases has \(phases.count))") }
        }
        if inputs.map == nil, steps.first(where: { $0.makesMap })?.indexes != true {
            throw RecipeError("no inputs.map is given, so the first map step must index (hough or match)")
        }
        if let pat = inputs.patterns {
            let shape = try inputs.mapShape.map { s in
                do { return try DetectorOptions.shape(s, name: "inputs.map_shape") } catch { throw RecipeError("\(error)") }
            }
            let path = Self.resolve(pat, base)
            var overrides = (inputs.detector ?? RecipeDetector()).overrides
            overrides.pcMap = overrides.pcMap.map { Self.resolve($0, base) }
            let (det, opened): (Detector, PatternStack)
            do {
                (det, opened) = try PatternStack.openWithDetector(
                    path, mapShape: shape, scan: inputs.scan, stepMicrons: inputs.stepMicrons, naming: try inputs.naming(),
                    overrides: overrides)
            } catch let e as DetectorOptionsError {
                throw RecipeError("inputs.detector: \(e)")
            } catch let e as PCMapError {
                throw RecipeError("inputs.detector.pc_map: \(e)")
            }
            detector = det
            stack = opened
            voltageKV = inputs.voltageKV ?? opened.metadata?.voltageKV ?? voltageKV
        }
        masters = try Self.masters(inputs, base: base)
        startMap = try inputs.map.map { try MapFile.read(Self.resolve($0, base), scan: inputs.scan) }
    }

    /// Inputs already in memory (a caller's arrays, e.g. through the C ABI): the phases, voltage and master patterns of
    /// `inputs` (its `patterns`, `map` and `detector` are not read), with the stack, its detector and the start map given.
    public init(_ inputs: RecipeInputs, detector: Detector?, stack: PatternStack?, startMap: CrystalMap?) throws {
        phases = try inputs.phases.map { name in
            do { return try Phase.resolve(name) } catch { throw RecipeError("phases: \(error)") }
        }
        guard !phases.isEmpty else { throw RecipeError("phases: none given") }
        voltageKV = inputs.voltageKV ?? stack?.metadata?.voltageKV ?? voltageKV
        self.detector = detector
        self.stack = stack
        self.startMap = startMap
        masters = try Self.masters(inputs, base: "")
    }

    /// The master pattern of each phase `inputs.master_patterns` names, each checked to show that phase.
    static func masters(_ inputs: RecipeInputs, base: String) throws -> [String: MasterPattern] {
        var masters: [String: MasterPattern] = [:]
        for (name, file) in inputs.masterPatterns ?? [:] {
            let mp = try MasterPattern.read(Self.resolve(file, base))
            do { try mp.requirePhase(name, file: file) } catch { throw RecipeError("inputs.master_patterns.\(name): \(error)") }
            masters[name] = mp
        }
        return masters
    }

    /// `path` relative to the recipe's folder `base` (absolute paths as they are).
    public static func resolve(_ path: String, _ base: String) -> String {
        path.hasPrefix("/") || base.isEmpty ? path : (base as NSString).appendingPathComponent(path)
    }

    /// The master pattern of the (single) matching phase.
    package func master(_ step: String) throws -> MasterPattern {
        guard let m = masters[phases[0].name] else { throw RecipeError("\(step) needs a master pattern of \(phases[0].name)") }
        return m
    }

    /// The detector and stack (``rows`` of it for a shard), which steps that read patterns need.
    func patterns(_ step: String) throws -> (Detector, PatternStack) {
        let (d, s) = try wholeStack(step)
        return (d, try rows.map { try s.mapRows($0) } ?? s)
    }

    /// The detector and the whole stack, also for a shard: what NLPAR averages over (a shard's border patterns
    /// average with their neighbours in the next shard) and what a stack mean is taken from.
    package func wholeStack(_ step: String) throws -> (Detector, PatternStack) {
        guard let d = detector, let s = stack else { throw RecipeError("\(step) needs inputs.patterns and inputs.detector") }
        return (d, s)
    }
}
