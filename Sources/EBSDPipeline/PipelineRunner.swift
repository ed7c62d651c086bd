import Foundation
import Crystallography
import EBSDCore
import CrystalMaps
import Grains
import HoughIndexing
import MapCleanup
import Figures
import Texture
import PatternMatching
import PatternStacks
import Preprocessing

/// Runs a ``PipelineRecipe``: checks it and opens its inputs up front, runs the steps in order,
/// keeps each map step's map exactly (`NN-step.ebsdmap`, ``CrystalMaps/MapSnapshot``; and as `NN-step.ang` to look
/// at, for maps of up to ``readableStepMapLimit`` points), resumes after the last finished step when run
/// again on the same recipe and inputs (the final map is then byte-identical), and ends with
/// `final.ang` and the report (`report.html`, `report.md`).
///
///     var run = try PipelineRunner(recipePath: "SampleMaps/reference-protocol.yaml")
///     let final = try run.run()            // the final crystal map
public struct PipelineRunner {
    public let recipe: PipelineRecipe
    /// The recipe as written (for the report).
    public let recipeText: String
    public let outputFolder: String
    /// The recipe file when the run was made from one (recorded in the output folder: ``RecipeSource``).
    public private(set) var recipePath: String?
    /// The opened inputs; an `nlpar` step puts NLPAR between the stack and the later steps.
    public package(set) var inputs: PipelineInputs
    /// One line per event (a step starting, its result); the `ebsd` tool prints them on stderr.
    public var message: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Progress of long steps; default: a terminal progress line on stderr.
    public var progress: (_ label: String, _ total: Int) -> (Int, Int) -> Void = { ProgressReporter(total: $1, label: $0).callback }
    /// What each step did, in order (finished earlier or now).
    public private(set) var log: [StepLog] = []
    /// The stack's mean pattern, computed at most once per run (the default static background of every matching step).
    package var meanPattern: [Float]?
    /// NLPAR's first pass (noise σ, λ) of step index → its result, when computed before (a cluster run's prepare job).
    package var preparedNLPAR: [Int: NLPAR.Prepared] = [:]
    /// Step index → dictionary cache file, for match steps whose recipe names none (a cluster run's shared dictionary).
    package var dictionaryCaches: [Int: String] = [:]
    /// Whether per-pattern steps keep their work in blocks as they go (``StepBlocks``) and NLPAR its noise pass
    /// (`NN-nlpar.noise`), so that a killed run resumes inside the step; off (the C ABI, which works on the caller's
    /// arrays and writes nothing of its own), such a step is computed at once and a kill loses all of it.
    public var checkpointsInsideSteps = true
    /// Whether the Hough step scales band contrast and slope over its map (a shard of a cluster run does not: the
    /// merge scales them over the whole map).
    package var scalesBandContrast = true
    /// Whether the run ends with `final.ang` and the report (a shard of a cluster run does not).
    package var writesFinalOutputs = true
    /// Maps of clean-up steps are kept as snapshots up to this many points (see ``keepsMap(of:points:)``).
    public var snapshotLimit = readableStepMapLimit
    /// Called with each map step's index and map as made (before it is written); a shard keeps its own rows of it
    /// losslessly for the merge.
    package var madeMap: ((Int, CrystalMap) throws -> Void)?

    /// A step's record, kept in `pipeline-state.json` for resuming.
    public struct StepLog: Codable, Sendable {
        public var index: Int
        public var name: String
        public var fingerprint: String
        public var file: String?
        public var seconds: Double
        public var indexedPercent: Double?
        public var note: String

        package init(
            index: Int, name: String, fingerprint: String, file: String?, seconds: Double, indexedPercent: Double?, note: String
        ) {
            self.index = index
            self.name = name
            self.fingerprint = fingerprint
            self.file = file
            self.seconds = seconds
            self.indexedPercent = indexedPercent
            self.note = note
        }
    }

    /// Reads the recipe at `recipePath` and opens its inputs; the output folder is `outputOverride`,
    /// else the recipe's `output`, else the recipe's name with `-out`.
    public init(recipePath: String, outputOverride: String? = nil) throws {
        let (r, text) = try PipelineRecipe.load(recipePath)
        let dir = (recipePath as NSString).deletingLastPathComponent
        let out =
            outputOverride ?? r.output.map { PipelineInputs.resolve($0, dir) }
            ?? ((recipePath as NSString).deletingPathExtension + "-out")
        do {
            try self.init(recipe: r, recipeText: text, base: dir, outputFolder: out)
            self.recipePath = RecipeSource.absolute(recipePath)
        } catch let e as RecipeError {
            throw RecipeError("\(recipePath): \(e)")
        }
    }

    /// A recipe made in Swift (or read elsewhere); paths in it are relative to `base`.
    public init(recipe: PipelineRecipe, recipeText: String? = nil, base: String, outputFolder: String) throws {
        self.recipe = recipe
        self.recipeText = recipeText ?? "\(recipe)"
        self.outputFolder = outputFolder
        inputs = try PipelineInputs(recipe.inputs, steps: recipe.steps, base: base)
    }

    /// A recipe whose inputs are already opened (e.g. arrays a caller holds in memory); outputs go to `outputFolder`.
    public init(recipe: PipelineRecipe, inputs: PipelineInputs, outputFolder: String) {
        self.recipe = recipe
        recipeText = "\(recipe)"
        self.outputFolder = outputFolder
        self.inputs = inputs
    }

    /// A fingerprint of the inputs and the steps up to `i` (FNV-1a of their description): what step `i`'s result
    /// depends on, kept with it in `pipeline-state.json`.
    public func fingerprint(_ i: Int) -> String {
        let text = "\(recipe.inputs)|" + recipe.steps.prefix(i + 1).map { "\($0.name):\($0.parameters)" }.joined(separator: "|")
        return String(FNV1a.hash(text), radix: 16)
    }

    package func path(_ file: String) -> String { (outputFolder as NSString).appendingPathComponent(file) }
    package var statePath: String { path("pipeline-state.json") }

    /// The step log kept in `folder`'s `pipeline-state.json`, or nil when there is none (or it cannot be read).
    package static func stepLog(in folder: String) -> [StepLog]? {
        FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent("pipeline-state.json"))
            .flatMap { try? JSONDecoder().decode([StepLog].self, from: $0) }
    }

    /// Runs every step (resuming after finished ones unless `fresh`); returns the final map.
    @discardableResult
    public mutating func run(fresh: Bool = false) throws -> CrystalMap? {
        let fm = FileManager.default
        let lock = try OutputFolderLock(folder: outputFolder)
        defer { withExtendedLifetime(lock) {} }
        if let old = lock.previousHolder {
            message("\(outputFolder): took over the lock of a run that ended without releasing it (\(old)); resuming after its steps")
        }
        var finished: [StepLog] = []
        if !fresh, let s = Self.stepLog(in: outputFolder) { finished = s }
        if fresh {
            for f in (try? fm.contentsOfDirectory(atPath: outputFolder)) ?? [] where f.hasSuffix(".blocks") {
                try? fm.removeItem(atPath: path(f))
            }
        }
        if let recipePath {
            let record = String(decoding: try JSONEncoder().encode(RecipeSource(recipe: recipePath)), as: UTF8.self)
            try writeAtomically(record, to: path(RecipeSource.fileName))
        }
        var map = inputs.startMap
        // the last grains step's analysis of the map as it is now (the report's statistics need not compute it again)
        var grains: GrainAnalysis?
        // once the map is final (only steps that read it are left), `final.ang` is written while they run
        let lastMapStep = recipe.steps.lastIndex { $0.makesMap } ?? -1
        var finalWrite: BackgroundMapWrite?
        defer { try? finalWrite?.finish() }
        let total = Date()
        log = []
        func earlier(_ i: Int) -> StepLog? { finished.first { $0.index == i && $0.fingerprint == fingerprint(i) } }
        // the run resumes from the last map kept by the steps finished earlier; the maps before it are not read
        let finishedPrefix = recipe.steps.indices.prefix { earlier($0) != nil }.count
        var resumeAt: Int?
        for j in stride(from: finishedPrefix - 1, through: 0, by: -1) {
            guard let f = earlier(j)?.file, fm.fileExists(atPath: path(f)) else { continue }
            do {
                map = try MapFile.read(path(f))
                resumeAt = j
                break
            } catch {
                message("[\(j + 1)/\(recipe.steps.count)] \(recipe.steps[j].name): \(error); the step runs again")
                finished.removeAll { $0.index >= j }
            }
        }
        for (i, step) in recipe.steps.enumerated() {
            let fp = fingerprint(i)
            let counter = "[\(i + 1)/\(recipe.steps.count)] \(step.name)"
            if i > lastMapStep, finalWrite == nil, writesFinalOutputs, let m = map {
                finalWrite = BackgroundMapWrite(m, to: path("final.ang"))
            }
            // a finished step is passed over up to the map resumed from; after it, a map step whose map was not kept
            // runs again, and tables and figures are made again from the map at that point
            if let done = earlier(i), i <= resumeAt ?? -1 || !step.makesMap {
                if case .nlpar(let p) = step {
                    _ = try applyNLPAR(p, step: i)
                } else if !step.makesMap, i > resumeAt ?? -1, let m = map {
                    try runOutputStep(step, m) { grains = $0 }
                }
                log.append(done)
                message("\(counter): finished earlier" + (i == resumeAt ? ", resumed from \(done.file ?? "-")" : ""))
                continue
            }
            let t0 = Date()
            message(counter)
            removeStaleResults(after: i, keepingFinalMap: finalWrite != nil)
            var note = ""
            var file: String?
            if step.makesMap {
                let (m, n) = try runMapStep(step, map, index: i)
                note = n
                try madeMap?(i, m)
                file = try writeStepMap(m, step: i)
                try? fm.removeItem(atPath: blocksFolder(i))
                // the snapshot is exact: a resumed run continues from the very map this run holds
                map = m
                grains = nil
            } else if case .nlpar(let p) = step {
                note = try applyNLPAR(p, step: i)
            } else {
                guard let m = map else { throw RecipeError("step \(i + 1) (\(step.name)) needs a map") }
                note = try runOutputStep(step, m) { grains = $0 }
            }
            let entry = StepLog(
                index: i, name: step.name, fingerprint: fp, file: file, seconds: Date().timeIntervalSince(t0),
                indexedPercent: map.map { 100 * $0.indexedFraction }, note: note)
            log.append(entry)
            finished.removeAll { $0.index >= i }
            finished.append(entry)
            try writeAtomically(String(decoding: try JSONEncoder().encode(finished), as: UTF8.self), to: statePath)
            let indexed = entry.indexedPercent.map { String(format: ", indexed %.2f %%", $0) } ?? ""
            message(String(format: "    %.1f s", entry.seconds) + indexed + (note.isEmpty ? "" : "; " + note))
        }
        guard let m = map, writesFinalOutputs else { return map }
        if let finalWrite { try finalWrite.finish() } else { try MapFile.write(m, to: path("final.ang")) }
        try PipelineReport(runner: self, map: m, grains: grains, totalSeconds: Date().timeIntervalSince(total)).write()
        return m
    }

    /// Whether every step finished for this recipe and inputs and `final.ang` is there (a rerun would only resume).
    public var isFinished: Bool {
        guard FileManager.default.fileExists(atPath: path("final.ang")), let log = Self.stepLog(in: outputFolder) else { return false }
        return recipe.steps.indices.allSatisfy { i in log.contains { $0.index == i && $0.fingerprint == fingerprint(i) } }
    }

    /// Maps of at most this many points are also written as `NN-step.ang` after each step, to look at with any EBSD
    /// program; a larger map's steps are kept only as exact snapshots (16 M points: 1.2 GB of text per step).
    public static let readableStepMapLimit = 1 << 20

    /// Whether map step `step`'s map of `points` points is kept. Always for steps that read patterns (their work is
    /// minutes to hours), and for every step of a map of at most ``snapshotLimit`` points; a clean-up step of a
    /// larger map takes about as long as writing its snapshot (0.7 GB at 16 M points), so none is written and a
    /// resumed run recomputes the step from the last map kept before it.
    package func keepsMap(of step: PipelineStep, points: Int) -> Bool { step.needsPatterns || points <= snapshotLimit }

    /// Keeps map step `i`'s map where ``keepsMap(of:points:)`` says so: the exact snapshot `NN-step.ebsdmap`
    /// (returned: what a resumed run reads) and, for a map of up to ``readableStepMapLimit`` points, `NN-step.ang`.
    package func writeStepMap(_ map: CrystalMap, step i: Int) throws -> String? {
        guard keepsMap(of: recipe.steps[i], points: map.count) else { return nil }
        let stem = String(format: "%02d-%@", i + 1, recipe.steps[i].name)
        try MapSnapshot.write(map, to: path(stem + "." + MapSnapshot.fileExtension))
        if map.count <= Self.readableStepMapLimit { try MapFile.write(map, to: path(stem + ".ang")) }
        return stem + "." + MapSnapshot.fileExtension
    }

    /// Results of step `i` and later from an earlier run are stale once step `i` runs again.
    /// `keepingFinalMap`: `final.ang` is being written from the final map (``BackgroundMapWrite``) and is not stale.
    func removeStaleResults(after i: Int, keepingFinalMap: Bool = false) {
        let fm = FileManager.default
        for f in (try? fm.contentsOfDirectory(atPath: outputFolder)) ?? [] {
            let isMap = f.hasSuffix(".ang") || f.hasSuffix("." + MapSnapshot.fileExtension) || f.hasSuffix(".noise")
            let laterMap = Int(f.prefix(2)).map { $0 > i && isMap } ?? false
            let staleFinal = f == "final.ang" && !keepingFinalMap
            if laterMap || staleFinal || f.hasPrefix("report.") { try? fm.removeItem(atPath: path(f)) }
            // blocks of later steps are stale; of this step, only those made for its current fingerprint are kept
            guard f.hasSuffix(".blocks"), let n = Int(f.prefix(2)) else { continue }
            if n > i + 1 { try? fm.removeItem(atPath: path(f)) }
            if n == i + 1 {
                for sub in (try? fm.contentsOfDirectory(atPath: path(f))) ?? [] where sub != fingerprint(i) {
                    try? fm.removeItem(atPath: path(f + "/" + sub))
                }
            }
        }
    }

    /// Puts NLPAR (step `index`) between the whole stack and every later step (its first pass runs now unless
    /// ``preparedNLPAR`` holds it); returns a note.
    package mutating func applyNLPAR(_ p: NLPARStep, step index: Int) throws -> String {
        let (_, raw) = try inputs.wholeStack(NLPARStep.stepName)
        let prepared: NLPAR.Prepared
        let kept = path(String(format: "%02d-nlpar.noise", index + 1))
        if let done = preparedNLPAR[index] {
            prepared = done
        } else if checkpointsInsideSteps, let done = NLPARNoiseFile.read(kept, fingerprint: fingerprint(index)) {
            prepared = done
        } else {
            let report = progress("nlpar noise", raw.count)
            prepared = try p.nlpar.prepare(raw, progress: { report($0, raw.count) })
            if checkpointsInsideSteps { try NLPARNoiseFile.write(prepared, fingerprint: fingerprint(index), to: kept) }
        }
        inputs.stack = try raw.averaged(by: p.nlpar, prepared: prepared)
        return String(
            format: "search radius %d, λ %.3f%@", p.nlpar.searchRadius, prepared.lambda, p.nlpar.lambda == nil ? " (estimated)" : "")
    }

    /// Runs step `index`, which makes a new map; returns the map and a one-line note.
    package mutating func runMapStep(_ step: PipelineStep, _ map: CrystalMap?, index: Int) throws -> (CrystalMap, String) {
        switch step {
        case .hough(let p):
            let (det, stack) = try inputs.patterns(step.name)
            let hi: HoughIndexer
            do {
                hi = try p.indexer(
                    detector: det, phases: inputs.phases, voltageKV: inputs.voltageKV, stack: stack.withoutNLPAR,
                    meanPattern: try mean(p.staticBackground))
            } catch let e as RecipeError { throw RecipeError("step \(index + 1) (hough): \(e)") }
            let (m, note) = try inBlocks(index, stack: stack, map: map) { block, _, report in
                (try hi.index(stack: block, scaleQuality: false, progress: report), note: "")
            }
            // band contrast and slope are scaled over the whole map, once its blocks are together (a shard leaves
            // that to the merge)
            return (scalesBandContrast ? HoughQuality.scalingBandContrast(of: m) : m, note)
        case .match(let p):
            let (det, stack) = try inputs.patterns(step.name)
            let signal = try p.signal.signal(detector: det, stack: stack, meanPattern: try mean(p.signal.staticBackground))
            var options = p.matching
            options.dictionaryCachePath = options.dictionaryCachePath ?? dictionaryCaches[index]
            let matcher = try StackMatcher(signal: signal, master: try inputs.master(step.name), phase: inputs.phases[0], options: options)
            if p.seed == .hough {
                guard map != nil else { throw RecipeError("step \(index + 1) (match): seed: hough needs a hough step before it") }
                let seeded = HoughSeededMatcher(matcher: matcher, check: p.seedCheck)
                return try inBlocks(index, stack: stack, map: map) { block, hough, report in
                    let (m, r) = try seeded.match(hough!, stack: block) { _, _, _ in }
                    report(block.count)
                    let below = p.matching.minimumScore.map {
                        String(format: "; %d below NCC %.2f left not indexed", r.belowMinimumScore, $0)
                    }
                    return (m, "Hough-seeded: \(r)" + (below ?? ""))
                }
            }
            return try inBlocks(index, stack: stack, map: map) { block, _, report in
                let (m, r) = try matcher.match(block, progress: { done, _ in report(done) })
                let below =
                    p.matching.minimumScore.map { String(format: "; %d below NCC %.2f left not indexed", r.belowMinimumScore, $0) } ?? ""
                return (m, "\(r.dictionaryPatterns) dictionary patterns at \(p.matching.resolutionDegrees)°" + below)
            }
        case .refine(let p):
            let (m, stack, refiner) = try refinerFor(step, map, signal: p.signal, options: p.refinement)
            guard step.perPattern else { return (try refiner.refine(m, stack: stack, progress: progress(step.name, m.indexedCount)).0, "") }
            return try inBlocks(index, stack: stack, map: m) { block, rows, report in
                let part = rows!
                let scale = { (done: Int) in done * block.count / max(1, part.indexedCount) }
                return (try refiner.refine(part, stack: block, progress: { done, _ in report(scale(done)) }).0, "")
            }
        case .neighbourCheck(let p):
            let (m, stack, refiner) = try refinerFor(step, map, signal: p.signal, options: RefinementOptions())
            return try inBlocks(index, stack: stack, map: m) { block, rows, report in
                let (out, checked, changed) = try refiner.checkNeighbours(rows!, stack: block, threshold: p.threshold)
                report(block.count)
                return (out, "\(checked) pixels checked, \(changed) changed")
            }
        case .wildSpikes(let p): return try clean(map, step, p.removal)
        case .fill(let p): return try clean(map, step, p.fill)
        case .minGrainSize(let p): return try clean(map, step, p.dissolve)
        case .pseudoSymmetry(let p):
            var check: PatternFlipCheck?
            if p.verify {
                let (det, stack) = try inputs.patterns(step.name)
                check = PatternFlipCheck(
                    stack: stack, master: try inputs.master(step.name), detector: det,
                    dynamicBackgroundSigma: p.dynamicBackgroundSigma)
            }
            return try clean(map, step, p.correction(verify: check?.verifier))
        case .grains, .ipf, .nlpar:
            throw RecipeError("\(step.name) does not make a map")
        }
    }

    /// The stack's mean pattern when `signal` removes it, computed on first use.
    /// (Always of the whole raw stack, also in a shard.)
    package mutating func mean(_ signal: MatchingSignalOptions) throws -> [Float]? { try mean(signal.staticBackground) }

    /// The stack's mean pattern (read once, then kept) when `background` is the mean; nil otherwise.
    package mutating func mean(_ background: StaticBackground) throws -> [Float]? {
        guard background == .mean else { return nil }
        if meanPattern == nil { meanPattern = try inputs.wholeStack("the mean pattern").1.withoutNLPAR.meanPattern() }
        return meanPattern
    }

    mutating func refinerFor(
        _ step: PipelineStep, _ map: CrystalMap?, signal: MatchingSignalOptions, options: RefinementOptions
    )
        throws -> (CrystalMap, PatternStack, MapRefiner)
    {
        guard let map else { throw RecipeError("\(step.name) needs a map") }
        let (det, stack) = try inputs.patterns(step.name)
        let s = try signal.signal(detector: det, stack: stack, meanPattern: try mean(signal))
        return (map, stack, MapRefiner(signal: s, master: try inputs.master(step.name), options: options))
    }

    func clean(_ map: CrystalMap?, _ step: PipelineStep, _ c: any CleanupStep) throws -> (CrystalMap, String) {
        guard let map else { throw RecipeError("\(step.name) needs a map") }
        let (m, r) = try c.apply(map)
        return (m, "\(r)")
    }

    /// Runs a step that writes tables or figures; returns a note.
    @discardableResult
    /// Runs a step that writes tables and figures from `map`; `analysed` is given the grains step's analysis.
    package func runOutputStep(_ step: PipelineStep, _ map: CrystalMap, analysed: ((GrainAnalysis) -> Void)? = nil) throws -> String {
        switch step {
        case .grains(let p):
            let g = try GrainAnalysis(map, parameters: p.parameters)
            analysed?(g)
            try writeAtomically(g.csv, to: path("grains.csv"))
            try writeAtomically(try g.json(source: "final.ang"), to: path("grains.json"))
            let h = g.statistics.ecdHistogram()
            try HistogramPlot(edges: h.edges, number: h.number, area: h.area, title: "Grain size (equivalent-circle diameter)")
                .write(to: path("grain-size-histogram.png"))
            return String(format: "%d grains, mean ECD %.1f µm", g.statistics.count, g.statistics.meanECD)
        case .ipf(let p):
            // figures drawn with cairo, 85 mm wide at 300 dpi unless the map's pixels at `scale` need more (up to 180 mm)
            let width = MapFigure.width(columns: map.grid.columns, scale: p.scale)
            let boundaries = p.boundaries ? BoundaryMap(map, thresholds: p.boundaryThresholds) : nil
            var made: [String] = []
            var shading: [Float]?
            if let name = p.shade {
                guard let values = map.properties[name], let layer = MapLayer.quality(name, of: map) else {
                    throw RecipeError("ipf: shade '\(name)': the map has no such column (it has \(map.properties.keys.sorted()))")
                }
                shading = values
                try MapFigure(map: map, layer: layer).write(to: path("\(name).png"), widthMM: width)
                made.append("\(name).png")
            }
            for d in p.directions {
                let v = d.vector, f = "ipf-\(d.rawValue).png"
                var figure = MapFigure(map: map, layer: .ipf(v))
                figure.boundaries = boundaries
                figure.shading = shading
                try figure.write(to: path(f), widthMM: width)
                try IPFDensityPlot(map: map, phase: 0, direction: v, title: "\(d.ipfLabel) density").write(
                    to: path("ipf-density-\(d.rawValue).png"))
                made.append(f)
            }
            var phaseFigure = MapFigure(map: map, layer: .phase)
            phaseFigure.boundaries = boundaries
            try phaseFigure.write(to: path("phase.png"), widthMM: width)
            // texture of the first phase: {100}, {110}, {111} pole figures and the misorientation-angle distribution
            if let poles = PoleFigurePlot.contoured(map, phase: 0, families: [(1, 0, 0), (1, 1, 0), (1, 1, 1)]) {
                let phase = map.phases[0].phase
                try poles.write(to: path("pole-figures.png"), widthMM: PoleFigurePlot.standardWidthMM)
                try MisorientationPlot(
                    correlated: .correlated(map, phase: 0, minimumDegrees: p.boundaryThresholds.lowDegrees),
                    uncorrelated: .uncorrelated(map, phase: 0),
                    mackenzie: MackenzieDistribution(laueGroup: phase.laueGroup, binWidthDegrees: 0.5),
                    title: "\(phase.name): misorientation-angle distribution"
                ).write(to: path("misorientation-distribution.png"))
                made += ["pole-figures.png", "misorientation-distribution.png"]
            }
            return "wrote \(made.joined(separator: ", ")), phase.png"
        default:
            throw RecipeError("\(step.name) makes a map")
        }
    }
}

/// Writes text through a temporary file beside `path` and a rename, so no half-written file is left.
public func writeAtomically(_ text: String, to path: String) throws {
    try AtomicFile.write(Data(text.utf8), to: path)
}
