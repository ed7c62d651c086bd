import Foundation
import EBSDCore
import EBSDPipeline
import HoughIndexing
import CrystalMaps
import PatternMatching
import PatternStacks
import Preprocessing

/// A recipe run as the jobs of a cluster (``SlurmSubmission`` submits them): one **prepare** job computes what
/// every shard shares (the stack's mean pattern, NLPAR's noise pass, the prepared dictionary of each match step)
/// into `OUTPUT/slurm/prepared/`; one **shard** task per block of whole map rows (``ShardPlan``) runs the
/// per-pattern steps on its rows only, into `OUTPUT/shards/shard-i-of-K/`; the **merge** puts the shards' maps
/// together into the output folder (`NN-step.ebsdmap`, and `.ang` for small maps, as a single-machine run writes
/// them) and runs the remaining steps there, ending with `final.ang` and the report. The final map and statistics are byte-identical to a
/// single-machine run of the same recipe.
///
///     var run = try ClusterRun(recipePath: "recipe.yaml", shards: 4)
///     try run.prepare()
///     for i in 0..<4 { try run.runShard(i) }   // on a cluster: one job-array task each
///     let final = try run.merge()
public struct ClusterRun {
    /// The whole run (its inputs, fingerprints and output folder); the merge continues it.
    public private(set) var runner: PipelineRunner
    public let plan: ShardPlan
    let base: String

    /// Where the run's messages go (default: stderr).
    public var message: (String) -> Void {
        get { runner.message }
        set { runner.message = newValue }
    }
    /// Progress of long steps (default: a terminal progress line on stderr).
    public var progress: (_ label: String, _ total: Int) -> (Int, Int) -> Void {
        get { runner.progress }
        set { runner.progress = newValue }
    }

    /// Where the shared results of the prepare job go.
    public var preparedFolder: String { runner.path("slurm/prepared") }
    var preparedIndex: String { (preparedFolder as NSString).appendingPathComponent("prepared.json") }

    /// Reads the recipe, opens its inputs and plans `shards` shards (default: the recipe's `slurm.tasks`).
    public init(recipePath: String, outputOverride: String? = nil, shards: Int? = nil) throws {
        runner = try PipelineRunner(recipePath: recipePath, outputOverride: outputOverride)
        base = (recipePath as NSString).deletingLastPathComponent
        let k = shards ?? runner.recipe.slurm?.tasks ?? SlurmSettings.defaultTasks
        guard
            let size = runner.inputs.stack.map({ ($0.mapRows, $0.mapColumns) })
                ?? runner.inputs.startMap.map({
                    ($0.grid.rows, $0.grid.columns)
                })
        else { throw RecipeError("--slurm: the recipe gives neither patterns nor a map to split into shards") }
        plan = try ShardPlan(steps: runner.recipe.steps, mapRows: size.0, mapColumns: size.1, shards: k)
    }

    // MARK: Prepare

    /// What the prepare job leaves for the shards (`prepared.json`), valid for one recipe and its inputs.
    struct Prepared: Codable {
        var fingerprint: String
        var meanPattern: String?
        /// Step index → its NLPAR noise pass (``NLPARNoiseFile``).
        var nlpar: [String: String] = [:]
        var dictionaries: [String: String] = [:]
    }

    /// The fingerprint of everything the shards compute (the inputs and the shard steps).
    var shardFingerprint: String { runner.fingerprint(plan.stepCount - 1) }

    /// The prepare job's results, when they were made for this recipe and inputs and are all present.
    func currentPrepared() -> Prepared? {
        guard let d = FileManager.default.contents(atPath: preparedIndex), let p = try? JSONDecoder().decode(Prepared.self, from: d),
            p.fingerprint == shardFingerprint
        else { return nil }
        let files = [p.meanPattern].compactMap { $0 } + Array(p.nlpar.values) + p.dictionaries.values
        return files.allSatisfy { FileManager.default.fileExists(atPath: $0) } ? p : nil
    }

    /// Whether the prepare job's results are there and current (a resubmission then skips the job).
    public var isPrepared: Bool { currentPrepared() != nil }

    /// The prepare job: walks the shard steps as a single-machine run would and computes, once, what they share:
    /// NLPAR's first pass over the whole stack, the raw stack's mean pattern (when a step subtracts it), and
    /// every full-dictionary match step's prepared dictionary (in the step's `dictionary_cache`, else in
    /// `slurm/prepared/`). The compressed dictionary of `fast: true` is not kept: each task makes its own.
    public mutating func prepare() throws {
        if currentPrepared() != nil {
            runner.message("prepare: the shared results in \(preparedFolder) are current")
            return
        }
        try FileManager.default.createDirectory(atPath: preparedFolder, withIntermediateDirectories: true)
        func file(_ name: String) -> String { (preparedFolder as NSString).appendingPathComponent(name) }
        var out = Prepared(fingerprint: shardFingerprint)
        for (i, step) in runner.recipe.steps.prefix(plan.stepCount).enumerated() {
            switch step {
            case .nlpar(let p):
                runner.message("prepare: NLPAR's noise pass (step \(i + 1))")
                _ = try runner.applyNLPAR(p, step: i)
                guard let source = runner.inputs.stack?.source as? NLPARSource else { continue }
                let name = file(String(format: "nlpar-step%02d.noise", i + 1))
                try NLPARNoiseFile.write(source.prepared, fingerprint: runner.fingerprint(i), to: name)
                out.nlpar[String(i)] = name
            case .match(let p):
                let (det, stack) = try runner.inputs.wholeStack(step.name)
                let signal = try p.signal.signal(detector: det, stack: stack, meanPattern: try runner.mean(p.signal))
                guard !p.matching.fast else { continue }
                var options = p.matching
                let cache = options.dictionaryCachePath ?? file(String(format: "dictionary-step%02d.bin", i + 1))
                options.dictionaryCachePath = cache
                runner.message("prepare: the dictionary of step \(i + 1) (\(step.name)) into \(cache)")
                try StackMatcher(
                    signal: signal, master: try runner.inputs.master(step.name), phase: runner.inputs.phases[0], options: options
                )
                .indexer.fillCache()
                out.dictionaries[String(i)] = cache
            case .hough(let p): _ = try runner.mean(p.staticBackground)
            case .refine(let p): _ = try runner.mean(p.signal)
            case .neighbourCheck(let p): _ = try runner.mean(p.signal)
            default: break
            }
        }
        if let m = runner.meanPattern {
            out.meanPattern = file("mean-pattern.f32")
            try Self.writeFloats(m, to: out.meanPattern!)
        }
        try writeAtomically(String(decoding: try JSONEncoder().encode(out), as: UTF8.self), to: preparedIndex)
        runner.message("prepare: done (\(preparedFolder))")
    }

    /// Gives `r` the prepare job's results (refuses to go on without them: a task must not redo the whole-stack
    /// work every task would otherwise repeat).
    func usePrepared(_ r: inout PipelineRunner) throws {
        guard let p = currentPrepared() else {
            throw RecipeError(
                "the prepare job's results in \(preparedFolder) are missing or were made for another recipe or inputs; "
                    + "run `ebsd pipeline RECIPE --slurm` again")
        }
        if let m = p.meanPattern { r.meanPattern = try Self.readFloats(m) }
        for (k, path) in p.nlpar {
            guard let step = Int(k), let pass = NLPARNoiseFile.read(path, fingerprint: r.fingerprint(step)) else {
                throw RecipeError("\(path): cannot read NLPAR's noise pass (cut short, or made for another recipe or inputs)")
            }
            r.preparedNLPAR[step] = pass
        }
        for (k, v) in p.dictionaries { r.dictionaryCaches[Int(k)!] = v }
    }

    // MARK: Shards

    /// The output folder of shard `i`.
    public func shardFolder(_ i: Int) -> String { runner.path("shards/" + plan.folder(i)) }

    func rowsFile(_ i: Int, step j: Int) -> String {
        (shardFolder(i) as NSString).appendingPathComponent(String(format: "%02d-%@.rows", j + 1, runner.recipe.steps[j].name))
    }

    /// Runs the shard steps on shard `i`'s map rows (and its border rows), reading only those rows of the stack;
    /// keeps its own rows of every map exactly for the merge. Resumes after finished steps when run again.
    public func runShard(_ i: Int) throws {
        guard i >= 0, i < plan.shards else { throw RecipeError("--shard \(i): the plan has shards 0…\(plan.shards - 1)") }
        var recipe = runner.recipe
        recipe.steps = Array(recipe.steps.prefix(plan.stepCount))
        var r = try PipelineRunner(recipe: recipe, recipeText: runner.recipeText, base: base, outputFolder: shardFolder(i))
        r.message = runner.message
        r.progress = runner.progress
        try usePrepared(&r)
        let computed = plan.computedRows(i), own = plan.rows(i)
        r.inputs.rows = computed
        r.inputs.startMap = r.inputs.startMap?.rows(computed)
        r.writesFinalOutputs = false
        r.scalesBandContrast = false
        let rowsFile = self.rowsFile
        r.madeMap = { j, map in try ShardRows(map, rows: own, mapFirstRow: computed.lowerBound).write(to: rowsFile(i, j)) }
        r.message("shard \(i + 1) of \(plan.shards): map rows \(own.lowerBound)…\(own.upperBound - 1) (computed \(computed))")
        try r.run()
    }

    /// Where a shard stands.
    public enum ShardStatus: Equatable, Sendable {
        case finished
        /// No result, or not all of its steps (the task failed, was cancelled, or has not run).
        case missing(String)
        /// Results made by another recipe or other inputs.
        case stale
    }

    /// Every shard's status, from its `pipeline-state.json` and its kept rows.
    public func status() -> [ShardStatus] {
        (0..<plan.shards).map { i in
            guard let log = PipelineRunner.stepLog(in: shardFolder(i)) else { return .missing("no results") }
            for j in 0..<plan.stepCount {
                guard let e = log.first(where: { $0.index == j }) else {
                    return .missing("step \(j + 1) (\(runner.recipe.steps[j].name)) did not finish")
                }
                if e.fingerprint != runner.fingerprint(j) { return .stale }
                if runner.recipe.steps[j].makesMap && !FileManager.default.fileExists(atPath: rowsFile(i, step: j)) {
                    return .missing("\(rowsFile(i, step: j)) is missing")
                }
            }
            return .finished
        }
    }

    // MARK: Merge

    /// Puts the shards' maps together and runs the remaining steps on the whole map (resuming after any finished
    /// earlier); refuses, naming the shard, when a shard is missing or stale. Returns the final map.
    @discardableResult
    public mutating func merge() throws -> CrystalMap? {
        for (i, s) in status().enumerated() where s != .finished {
            let rows = plan.rows(i)
            let what: String
            switch s {
            case .missing(let why): what = "is missing (\(why))"
            case .stale: what = "is stale (made by another recipe or other inputs)"
            case .finished: what = ""
            }
            throw RecipeError(
                "merge: shard \(i) of \(plan.shards) (map rows \(rows.lowerBound)…\(rows.upperBound - 1), \(shardFolder(i))) \(what); "
                    + "run `ebsd pipeline RECIPE --slurm` again to resubmit the missing shards")
        }
        try usePrepared(&runner)
        try FileManager.default.createDirectory(atPath: runner.outputFolder, withIntermediateDirectories: true)
        // (every shard's log holds every shard step: status() said so)
        let shardLogs = (0..<plan.shards).map { PipelineRunner.stepLog(in: shardFolder($0)) ?? [] }
        var logs: [PipelineRunner.StepLog] = []
        for j in 0..<plan.stepCount {
            let step = runner.recipe.steps[j]
            let entries = shardLogs.compactMap { log in log.first { $0.index == j } }
            var entry = PipelineRunner.StepLog(
                index: j, name: step.name, fingerprint: runner.fingerprint(j), file: nil,
                seconds: entries.reduce(0) { $0 + $1.seconds }, indexedPercent: nil,
                note: StepNotes.combine(entries.map(\.note), borderRows: plan.halo > 0))
            if step.makesMap, let file = entries.first?.file {
                var map = try mergedMap(step: j, header: (shardFolder(0) as NSString).appendingPathComponent(file))
                // the shards leave band contrast and slope as measured; scaled over the whole map from the Hough step
                // on, as one machine scales them (later steps carry the Hough step's values)
                if runner.recipe.steps.prefix(j + 1).contains(where: { if case .hough = $0 { return true } else { return false } }) {
                    map = HoughQuality.scalingBandContrast(of: map)
                }
                entry.file = try runner.writeStepMap(map, step: j)
                entry.indexedPercent = 100 * map.indexedFraction
            } else {
                entry.indexedPercent = logs.last?.indexedPercent
            }
            logs.append(entry)
        }
        try writeAtomically(String(decoding: try JSONEncoder().encode(logs), as: UTF8.self), to: runner.statePath)
        runner.message("merge: \(plan.shards) shards put together (steps 1–\(plan.stepCount)); the remaining steps run on the whole map")
        return try runner.run()
    }

    /// Step `j`'s whole map: the shards' kept rows in order (``CrystalMaps/CrystalMap/init(stackingRows:)``), with the
    /// phases, metadata and grid that shard 0's map file (`header`) states, as the next step of a single-machine run
    /// reads them.
    func mergedMap(step j: Int, header: String) throws -> CrystalMap {
        let first = try MapFile.read(header)
        let blocks = try (0..<plan.shards).map { i -> CrystalMap in
            let b = try ShardRows(path: rowsFile(i, step: j))
            guard b.firstRow == plan.rows(i).lowerBound, b.rows == plan.rows(i).count, b.columns == plan.mapColumns else {
                throw RecipeError(
                    "\(rowsFile(i, step: j)): holds \(b.rows) map rows from \(b.firstRow), not shard \(i)'s \(plan.rows(i))")
            }
            var grid = first.grid
            grid.rows = b.rows
            return CrystalMap(
                grid: grid, phases: first.phases, phaseIndex: b.phaseIndex, rotations: b.rotations, properties: b.properties,
                metadata: first.metadata)
        }
        return try CrystalMap(stackingRows: blocks)
    }

    static func writeFloats(_ values: [Float], to path: String) throws {
        try AtomicFile.write(values.withUnsafeBytes { Data($0) }, to: path)
    }

    static func readFloats(_ path: String) throws -> [Float] {
        guard let d = FileManager.default.contents(atPath: path), d.count % 4 == 0 else {
            throw RecipeError("\(path): cannot read (expected float32 values)")
        }
        return d.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
