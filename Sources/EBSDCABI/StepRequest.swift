import Foundation
import CrystalMaps
import DetectorGeometry
import EBSDPipeline
import PatternStacks

/// One call of `ebsd_run_steps`: recipe steps (the keys of `ebsd pipeline` recipes, as JSON or YAML flow text) run on a
/// caller's pattern array and/or map, with the recipe's `inputs` keys for phases, detector, master patterns and voltage.
/// The steps run exactly as the pipeline runs them (``PipelineRunner``), only in memory.
struct StepRequest {
    let recipe: PipelineRecipe
    let stack: PatternStack?
    let detector: Detector?
    let start: CrystalMap?

    /// The caller's pattern array as described by the C arguments, or nil when `pointer` is null and `count` 0.
    struct Patterns {
        var pointer: UnsafeRawPointer?
        var element: Int32
        var count: Int64, rows: Int64, columns: Int64
        var mapRows: Int64, mapColumns: Int64
        var stepMicrons: Double
    }

    init(
        steps: String, inputs: String, patterns p: Patterns, pcs: UnsafePointer<Double>?, pcCount: Int64, start: CrystalMap?,
        token: CancellationToken
    ) throws {
        var inputsText = inputs
        if inputsText.isEmpty {
            guard let start else { throw CABIArgumentError(argument: "inputs", problem: "no phases given (and no map to take them from)") }
            inputsText = "{phases: [" + start.phases.map { "\"\($0.phase.name)\"" }.joined(separator: ", ") + "]}"
        }
        recipe = try PipelineRecipe.parse("inputs: \(inputsText)\nsteps: \(steps)\n", path: "options")
        self.start = start
        guard p.pointer != nil || p.count != 0 else {
            stack = nil
            detector = nil
            return
        }
        var (mapRows, mapColumns) = (p.mapRows, p.mapColumns)
        if mapRows == 0, mapColumns == 0, let start {
            (mapRows, mapColumns) = (Int64(start.grid.rows), Int64(start.grid.columns))
        }
        let source = try BorrowedPatternSource(
            p.pointer, element: p.element, count: p.count, rows: p.rows, columns: p.columns, mapRows: mapRows, mapColumns: mapColumns)
        if let start, start.count != source.count {
            throw CABIArgumentError(argument: "patterns", problem: "\(source.count) patterns for a map of \(start.count) points")
        }
        guard p.stepMicrons == 0 || (p.stepMicrons.isFinite && p.stepMicrons > 0) else {
            throw CABIArgumentError(argument: "step", problem: "\(p.stepMicrons) µm (expected positive, or 0 for the default)")
        }
        let step = p.stepMicrons > 0 ? p.stepMicrons : start?.grid.stepX
        stack = try PatternStack(
            source: CancellablePatternSource(inner: source, token: token), mapShape: source.mapShape, stepMicrons: step)
        detector = try Self.detector(recipe.inputs.detector, source: source, pcs: pcs, pcCount: pcCount)
    }

    /// The detector of the `inputs.detector` keys on patterns of `source`'s shape, with one PC per pattern when given.
    static func detector(
        _ keys: RecipeDetector?, source: BorrowedPatternSource, pcs: UnsafePointer<Double>?, pcCount: Int64
    ) throws -> Detector {
        var overrides = keys?.overrides ?? DetectorOverrides()
        let shape = GridShape(rows: source.patternRows, columns: source.patternColumns)
        if let given = overrides.patternShape, given != shape {
            throw CABIArgumentError(
                argument: "detector",
                problem: "its shape \(given) does not match the patterns' \(source.patternRows) × \(source.patternColumns) px")
        }
        overrides.patternShape = shape
        var points: [PatternCenter]?
        if pcCount != 0 {
            guard let pcs, pcCount == 1 || pcCount == Int64(source.count) else {
                throw CABIArgumentError(
                    argument: "pc", problem: "\(pcCount) pattern centres (expected 1 or one per pattern, \(source.count))")
            }
            points = (0..<Int(pcCount)).map { PatternCenter(pcs[3 * $0], pcs[3 * $0 + 1], pcs[3 * $0 + 2]) }
            if let bad = points!.firstIndex(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite && $0.z > 0) }) {
                throw CABIArgumentError(argument: "pc", problem: "pattern centre \(bad) is not finite with z > 0")
            }
            if pcCount == 1 {
                overrides.pc = points![0]
                points = nil
            }
        }
        // the library checks every PC (finite, near the screen, a sane distance) and the tilts
        let detector: Detector
        do { detector = try overrides.applied().detector(pointCentres: points) } catch {
            throw CABIArgumentError(argument: "detector", problem: "\(error)")
        }
        return detector
    }

    /// Runs every step; map steps give the next map, table and figure steps write into `folder`. Returns the last map
    /// and one note per step.
    func run(folder: String?, progress: CABIProgress) throws -> (CrystalMap?, [String]) {
        let inputs = try PipelineInputs(recipe.inputs, detector: detector, stack: stack, startMap: start)
        var runner = PipelineRunner(recipe: recipe, inputs: inputs, outputFolder: folder ?? "")
        runner.progress = progress.runnerProgress
        runner.message = { _ in }
        runner.checkpointsInsideSteps = false  // the caller's arrays in memory: nothing kept on disk between calls
        var map = start
        var notes: [String] = []
        for (i, step) in recipe.steps.enumerated() {
            if step.makesMap {
                let (m, note) = try runner.runMapStep(step, map, index: i)
                map = m
                notes.append(note)
            } else if case .nlpar(let p) = step {
                notes.append(try runner.applyNLPAR(p, step: i))
            } else {
                guard let folder, !folder.isEmpty else {
                    throw CABIArgumentError(argument: "output_folder", problem: "step \(step.name) writes files; give a folder")
                }
                guard let m = map else { throw CABIArgumentError(argument: "map", problem: "step \(step.name) needs a map") }
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                notes.append(try runner.runOutputStep(step, m))
            }
            if progress.token.isCancelled { throw CABIArgumentError(argument: "progress", problem: "cancelled") }
        }
        return (map, notes)
    }
}

/// Runs recipe steps (`steps`: a JSON/YAML list such as `[{"hough": {"bands": 9}}]`; `inputs`: the recipe's inputs
/// keys, e.g. `{"phases": ["Na"], "detector": {"pc": [0.5, 0.5, 0.6]}}`) on a pattern array (may be null with count 0)
/// and/or a start map (may be null). `pcs`: 0, 1 or one pattern centre per pattern (x, y, z in the detector's
/// convention). The resulting map (or null when no step made one) goes to `out`; notes, one line per step, to `notes`
/// (free with `ebsd_free`; may be null).
@_cdecl("ebsd_run_steps")
public func ebsd_run_steps(
    _ steps: UnsafePointer<CChar>?, _ inputs: UnsafePointer<CChar>?,
    _ patterns: UnsafeRawPointer?, _ element: Int32, _ count: Int64, _ rows: Int64, _ columns: Int64,
    _ mapRows: Int64, _ mapColumns: Int64, _ stepMicrons: Double,
    _ pcs: UnsafePointer<Double>?, _ pcCount: Int64, _ start: UnsafeMutableRawPointer?, _ folder: UnsafePointer<CChar>?,
    _ progress: CABIProgressCallback?, _ context: UnsafeMutableRawPointer?,
    _ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ notes: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    let reporter = CABIProgress(progress, context)
    out?.pointee = nil
    notes?.pointee = nil
    return CABICall.run(message, capacity, cancellation: reporter.token) {
        guard let out else { throw CABIArgumentError(argument: "out", problem: "a null pointer where the map is returned") }
        let startMap = try start.map { try MapHandle.from($0, "start") }
        let request = try StepRequest(
            steps: try CABICall.string(steps, "steps"), inputs: try CABICall.string(inputs, "inputs", orEmpty: true),
            patterns: .init(
                pointer: patterns, element: element, count: count, rows: rows, columns: columns, mapRows: mapRows,
                mapColumns: mapColumns, stepMicrons: stepMicrons),
            pcs: pcs, pcCount: pcCount, start: startMap, token: reporter.token)
        let f = try CABICall.string(folder, "output_folder", orEmpty: true)
        let (map, lines) = try request.run(folder: f.isEmpty ? nil : f, progress: reporter)
        if let map { try MapHandle.give(map, out) }
        notes?.pointee = CABICall.allocated(lines.joined(separator: "\n"))
    }
}
