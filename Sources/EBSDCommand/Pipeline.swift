import ArgumentParser
import Foundation
import PipelineRecipes
import Crystallography
import CrystalMaps
import DetectorGeometry
import Grains
import HoughIndexing
import MapCleanup
import MapPictures
import PatternMatching
import PatternSimulation
import PatternStacks
import Preprocessing

struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run a protocol from a YAML recipe: indexing, refinement, clean-up, grains, figures, and an HTML + Markdown report.",
        discussion: """
        Example: ebsd pipeline SampleMaps/reference-protocol.yaml. Every map step writes its map (NN-step.ang) into the \
        output folder; a rerun after an interruption resumes after the last finished step (same recipe, same inputs). \
        Steps: hough, match, refine, neighbour_check, wild_spikes, fill, pseudo_symmetry, min_grain_size, grains, ipf. \
        The recipe is checked as a whole before any work starts.
        """
    )
    @Argument(help: "Recipe (.yaml).") var recipe: String
    @Option(help: "Output folder (default: the recipe's 'output').") var output: String?
    @Flag(help: "Ignore finished steps and run everything again.") var fresh = false

    func run() throws {
        do {
            var p = try Pipeline(recipePath: recipe, outputOverride: output)
            try p.run(fresh: fresh)
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}

/// Executes a ``Recipe``: checks it, runs the steps in order with resume, writes the report.
struct Pipeline {
    let recipe: Recipe
    let recipeText: String
    let base: String
    let outputFolder: String
    var detector: Detector?
    var stack: PatternStack?
    var phases: [Phase] = []
    var masters: [String: MasterPattern] = [:]
    var log: [StepLog] = []
    var grainSummary: [(String, String)] = []
    var figures: [(title: String, file: String)] = []

    struct StepLog: Codable {
        var index: Int
        var name: String
        var fingerprint: String
        var file: String?
        var seconds: Double
        var indexedPercent: Double?
        var note: String
    }

    static let mapSteps: Set<String> = ["hough", "match", "refine", "neighbour_check", "wild_spikes", "fill", "pseudo_symmetry", "min_grain_size"]
    static let allSteps: [String] = ["hough", "match", "refine", "neighbour_check", "wild_spikes", "fill", "pseudo_symmetry", "min_grain_size", "grains", "ipf"]

    init(recipePath: String, outputOverride: String?) throws {
        let (r, text) = try Recipe.load(recipePath)
        recipe = r; recipeText = text
        let dir = (recipePath as NSString).deletingLastPathComponent
        base = dir
        let out = outputOverride ?? r.output.map { Self.resolve($0, dir) } ?? ((recipePath as NSString).deletingPathExtension + "-out")
        outputFolder = out
        try check(recipePath)
    }

    static func resolve(_ p: String, _ base: String) -> String {
        p.hasPrefix("/") || base.isEmpty ? p : (base as NSString).appendingPathComponent(p)
    }

    /// Everything that can be checked before work: step names, parameters, inputs each step needs.
    mutating func check(_ path: String) throws {
        func bad(_ s: String) -> RecipeError { RecipeError("\(path): \(s)") }
        guard !recipe.steps.isEmpty else { throw bad("no steps") }
        phases = try recipe.inputs.phases.map { name in
            do { return try Phase.resolve(name) } catch { throw bad("inputs.phases: \(error)") }
        }
        guard !phases.isEmpty else { throw bad("inputs.phases is empty") }
        let names = recipe.steps.map(\.name)
        for (i, n) in names.enumerated() where !Self.allSteps.contains(n) {
            throw bad("step \(i + 1): unknown step '\(n)' (known: \(Self.allSteps.joined(separator: ", ")))")
        }
        let needPatterns = recipe.steps.enumerated().filter { ["hough", "match", "refine", "neighbour_check"].contains($0.element.name) || ($0.element.name == "pseudo_symmetry" && $0.element.params.verify == true) }
        if let first = needPatterns.first, recipe.inputs.patterns == nil {
            throw bad("step \(first.offset + 1) (\(first.element.name)) needs patterns, but inputs.patterns is not given")
        }
        let needMaster = recipe.steps.enumerated().filter { ["match", "refine", "neighbour_check"].contains($0.element.name) || ($0.element.name == "pseudo_symmetry" && $0.element.params.verify == true) }
        if let first = needMaster.first {
            for ph in phases where recipe.inputs.masterPatterns?[ph.name] == nil {
                throw bad("step \(first.offset + 1) (\(first.element.name)) needs a master pattern of \(ph.name), but inputs.master_patterns has none")
            }
        }
        if recipe.inputs.map == nil {
            guard let firstMap = recipe.steps.first(where: { Self.mapSteps.contains($0.name) || ["grains", "ipf"].contains($0.name) }),
                  ["hough", "match"].contains(firstMap.name) else {
                throw bad("no inputs.map is given, so the first map step must index (hough or match)")
            }
        }
        if names.contains("match") || names.contains("refine") || names.contains("neighbour_check"), phases.count > 1 {
            throw bad("pattern matching takes one phase (inputs.phases has \(phases.count))")
        }
        for (i, s) in recipe.steps.enumerated() {
            let p = s.params
            if let r = p.resolution, !(r > 0 && r <= 20) { throw bad("step \(i + 1) (\(s.name)): resolution must be in (0, 20]°") }
            if let n = p.neighbours, n.isEmpty || !n.allSatisfy({ (1...8).contains($0) }) { throw bad("step \(i + 1) (fill): neighbours must be counts 1…8") }
            for op in (p.operator ?? []) + (p.pseudoSymmetry ?? []) {
                do { _ = try PseudoSymmetryCorrection.parseOperator(op) } catch { throw bad("step \(i + 1) (\(s.name)): \(error)") }
            }
            if s.name == "pseudo_symmetry", (p.operator ?? []).isEmpty { throw bad("step \(i + 1) (pseudo_symmetry): give operator, e.g. 60@111") }
            for d in p.directions ?? [] where !["x", "y", "z"].contains(d.lowercased()) { throw bad("step \(i + 1) (ipf): direction '\(d)' must be x, y or z") }
            if let h = p.hagb, let l = p.lagb, !(l > 0 && l < h) { throw bad("step \(i + 1) (\(s.name)): need 0 < lagb < hagb") }
        }
        // inputs that exist and agree
        if let pat = recipe.inputs.patterns {
            guard let d = recipe.inputs.detector else { throw bad("inputs.detector is needed with inputs.patterns") }
            var args = ["--pc", d.pc.map { String($0) }.joined(separator: ","), "--pattern-shape", d.patternShape ?? "60x60",
                        "--convention", d.convention ?? "bruker", "--sample-tilt", String(d.sampleTilt ?? 70), "--detector-tilt", String(d.detectorTilt ?? 0)]
            if d.pc.count != 3 { args = [] ; throw bad("inputs.detector.pc must be three numbers") }
            let g: GeometryOptions
            do { g = try GeometryOptions.parse(args) } catch { throw bad("inputs.detector: \(GeometryOptions.message(for: error))") }
            let shape = try recipe.inputs.mapShape.map { try GeometryOptions.shape($0, name: "inputs.map_shape") }
            let (det, s) = try g.detectorAndStack(Self.resolve(pat, base), mapShape: shape.map { (rows: $0.0, columns: $0.1) })
            detector = det; stack = s
        }
        for (name, file) in recipe.inputs.masterPatterns ?? [:] {
            let mp = try MasterPattern.read(Self.resolve(file, base))
            if let mpPhase = mp.description?.phase, mpPhase.lowercased() != name.lowercased() {
                throw bad("inputs.master_patterns.\(name): \(file) is a master pattern of \(mpPhase)")
            }
            masters[name] = mp
        }
        if let m = recipe.inputs.map { _ = try MapFile.read(Self.resolve(m, base)) }
    }

    /// A fingerprint of the inputs and the steps up to `i` (FNV-1a of their description).
    func fingerprint(_ i: Int) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let text = "\(recipe.inputs)|" + recipe.steps.prefix(i + 1).map { "\($0.name):\($0.params)" }.joined(separator: "|")
        for b in text.utf8 { h ^= UInt64(b); h = h &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }

    var statePath: String { (outputFolder as NSString).appendingPathComponent("pipeline-state.json") }

    mutating func run(fresh: Bool) throws {
        try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
        var finished: [StepLog] = []
        if !fresh, let d = FileManager.default.contents(atPath: statePath), let s = try? JSONDecoder().decode([StepLog].self, from: d) { finished = s }
        var map: CrystalMap? = try recipe.inputs.map.map { try MapFile.read(Self.resolve($0, base)) }
        let total = Date()
        for (i, step) in recipe.steps.enumerated() {
            let fp = fingerprint(i)
            if let done = finished.first(where: { $0.index == i && $0.fingerprint == fp }),
               done.file == nil || FileManager.default.fileExists(atPath: (outputFolder as NSString).appendingPathComponent(done.file!)) {
                if let f = done.file { map = try MapFile.read((outputFolder as NSString).appendingPathComponent(f)) }
                if !Self.mapSteps.contains(step.name) { try runOutputStep(step, map!, quiet: true) }
                log.append(done)
                FileHandle.standardError.write(Data("[\(i + 1)/\(recipe.steps.count)] \(step.name): finished earlier, resumed from \(done.file ?? "-")\n".utf8))
                continue
            }
            let t0 = Date()
            FileHandle.standardError.write(Data("[\(i + 1)/\(recipe.steps.count)] \(step.name)\n".utf8))
            // results of this and later steps from an earlier run are stale now
            for f in (try? FileManager.default.contentsOfDirectory(atPath: outputFolder)) ?? [] {
                if let k = Int(f.prefix(2)), k > i, f.hasSuffix(".ang") || f == "final.ang" { try? FileManager.default.removeItem(atPath: (outputFolder as NSString).appendingPathComponent(f)) }
                if f == "final.ang" || f.hasPrefix("report.") { try? FileManager.default.removeItem(atPath: (outputFolder as NSString).appendingPathComponent(f)) }
            }
            var note = ""
            var file: String?
            if Self.mapSteps.contains(step.name) {
                let (m, n) = try runMapStep(step, map)
                note = n
                file = String(format: "%02d-%@.ang", i + 1, step.name)
                let path = (outputFolder as NSString).appendingPathComponent(file!)
                try MapFile.write(m, to: path)
                // continue from the file, so an interrupted and resumed run sees exactly the same input
                map = try MapFile.read(path)
            } else {
                guard let m = map else { throw RecipeError("step \(i + 1) (\(step.name)) needs a map") }
                note = try runOutputStep(step, m, quiet: false)
            }
            let entry = StepLog(index: i, name: step.name, fingerprint: fp, file: file, seconds: Date().timeIntervalSince(t0),
                                indexedPercent: map.map { 100 * $0.indexedFraction }, note: note)
            log.append(entry)
            finished.removeAll { $0.index >= i }
            finished.append(entry)
            let data = try JSONEncoder().encode(finished)
            try writeText(String(decoding: data, as: UTF8.self), to: statePath)
            FileHandle.standardError.write(Data(String(format: "    %.1f s%@%@\n", entry.seconds, entry.indexedPercent.map { String(format: ", indexed %.2f %%", $0) } ?? "", note.isEmpty ? "" : "; " + note).utf8))
        }
        if let m = map {
            let final = (outputFolder as NSString).appendingPathComponent("final.ang")
            try MapFile.write(m, to: final)
            try PipelineReport(pipeline: self, map: m, totalSeconds: Date().timeIntervalSince(total)).write()
            print("report: \((outputFolder as NSString).appendingPathComponent("report.html")) (and report.md); final map: \(final)")
        }
    }

    func master() -> MasterPattern { masters[phases[0].name]! }

    func matchingOptions(_ p: StepParameters) throws -> MatchingOptions {
        var args = ["--master", "unused", "--static-background", p.staticBackground ?? "mean", "--memory", p.memory ?? "2GB", "--psf", String(p.psf ?? 0)]
        if let d = p.dynamicBackground { args += ["--dynamic-background", String(d)] }
        return try MatchingOptions.parse(args)
    }

    func refineOptions(_ p: StepParameters, neighbourCheck: Double = 0) throws -> RefineOptions {
        var args: [String] = []
        if p.refinePC == true { args.append("--refine-pc") }
        for o in p.pseudoSymmetry ?? [] { args += ["--pseudo-symmetry", o] }
        if neighbourCheck > 0 { args += ["--neighbour-check", String(neighbourCheck)] }
        return try RefineOptions.parse(args)
    }

    /// Runs a step that makes a new map; returns it and a one-line note.
    func runMapStep(_ step: RecipeStep, _ map: CrystalMap?) throws -> (CrystalMap, String) {
        let p = step.params
        let step_ = recipe.inputs.stepMicrons ?? 1
        switch step.name {
        case "hough":
            let hi = HoughIndexer(detector: detector!, phases: phases, bandCount: p.bands ?? 9, voltage: (recipe.inputs.voltageKV ?? 20) * 1000,
                                  familyCount: phases.count > 1 ? 5 : 4)
            let progress = ProgressReporter(total: stack!.count, label: "hough")
            let m = try hi.index(stack: stack!, step: step_, progress: { progress.update($0) })
            return (m, "")
        case "match":
            let options = try matchingOptions(p)
            let signal = try options.signal(detector: detector!, stack: stack!)
            let rotations = OrientationSampling.fundamentalZone(phases[0].laueGroup, resolution: p.resolution ?? 2)
            var di = DictionaryIndexer(signal: signal, master: master(), rotations: rotations)
            di.memoryBytes = try options.bytes()
            let progress = ProgressReporter(total: stack!.count, label: "match")
            let r = try di.match(stack: stack!) { d, t in progress.update(Int(Double(d) / Double(t) * Double(stack!.count))) }
            let m = di.crystalMap(r, grid: MapGrid(rows: stack!.mapRows, columns: stack!.mapColumns, stepX: step_, stepY: step_), phase: phases[0], minimumScore: Float(p.minScore ?? -1))
            return (m, "\(rotations.count) dictionary patterns at \(p.resolution ?? 2)°" + (p.minScore.map { String(format: "; %d below NCC %.2f left not indexed", m.count - m.indexedCount, $0) } ?? ""))
        case "refine", "neighbour_check":
            guard let map else { throw RecipeError("\(step.name) needs a map") }
            let signal = try matchingOptions(p).signal(detector: detector!, stack: stack!)
            let opts = try refineOptions(p, neighbourCheck: step.name == "neighbour_check" ? (p.threshold ?? 0.2) : 0)
            if step.name == "refine" {
                return (try refineMap(map, stack: stack!, signal: signal, master: master(), options: opts), "")
            }
            let scores = map.properties[MapProperty.score] ?? map.properties[MapProperty.confidenceIndex] ?? [Float](repeating: 0, count: map.count)
            let check = NeighbourCheck(threshold: Float(p.threshold ?? 0.2))
            let (m, changed, checked) = try check.apply(map, scores: scores, signal: signal, projector: PatternProjector(master: master(), detector: signal.detector)) { i in
                signal.prepareExperimental(try stack!.read(i..<(i + 1)), count: 1)
            }
            return (m, "\(checked) pixels checked, \(changed) changed")
        default:
            guard let map else { throw RecipeError("\(step.name) needs a map") }
            let tol = p.tolerance ?? 10
            let c: any CleanupStep
            switch step.name {
            case "wild_spikes": c = WildSpikeRemoval(toleranceDegrees: tol)
            case "fill": c = ZeroSolutionFill(neighbourCounts: p.neighbours ?? [6, 5], toleranceDegrees: tol, maximumHolePixels: p.maxHole ?? 10)
            case "pseudo_symmetry":
                let verify = p.verify == true
                    ? patternCheck(stack: stack!, master: master(), detector: detector!, dynamicBackground: Double(detector!.columns) / 8) : nil
                c = PseudoSymmetryCorrection(operators: try (p.operator ?? []).map { try PseudoSymmetryCorrection.parseOperator($0) }, verify: verify)
            default: c = MinimumGrainSize(minimumPixels: p.minSize ?? 5, thresholdDegrees: tol)
            }
            let (m, r) = try c.apply(map)
            return (m, "\(r)")
        }
    }

    /// Runs a step that writes tables or figures; returns a note.
    @discardableResult
    func runOutputStep(_ step: RecipeStep, _ map: CrystalMap, quiet: Bool) throws -> String {
        let p = step.params
        switch step.name {
        case "grains":
            let gm = GrainSegmentation(thresholdDegrees: p.hagb ?? 10, minimumPixels: p.minSize ?? 0).segment(map)
            let st = GrainStatistics(gm)
            var csv = "grain,phase,pixels,area_um2,ecd_um,aspect_ratio,touches_edge\n"
            for g in gm.grains {
                csv += String(format: "%d,%@,%d,%.6g,%.6g,%.4f,%@\n", g.id + 1, map.phases[g.phaseIndex].phase.name, g.pixelCount, g.area, g.equivalentDiameter, g.aspectRatio, g.touchesEdge ? "true" : "false")
            }
            try writeText(csv, to: (outputFolder as NSString).appendingPathComponent("grains.csv"))
            let h = st.ecdHistogram()
            try Plots.histogramPNG(edges: h.edges, number: h.number, area: h.area).writePNG((outputFolder as NSString).appendingPathComponent("grain-size-histogram.png"))
            return String(format: "%d grains, mean ECD %.1f µm", st.count, st.meanECD)
        default: // ipf
            let b = p.boundaries ?? true
            var r = MapRenderer(scale: p.scale ?? 4)
            if b { r.boundaries = BoundaryMap(map, lowDegrees: p.lagb ?? 2, highDegrees: p.hagb ?? 10) }
            var made: [String] = []
            for d in p.directions ?? ["z"] {
                let v: Vector3 = d.lowercased() == "x" ? [1, 0, 0] : d.lowercased() == "y" ? [0, 1, 0] : [0, 0, 1]
                let f = "ipf-\(d.lowercased()).png"
                try r.render(map, .ipf(v)).writePNG((outputFolder as NSString).appendingPathComponent(f))
                try Plots.ipfDensityPNG(map, direction: v).writePNG((outputFolder as NSString).appendingPathComponent("ipf-density-\(d.lowercased()).png"))
                made.append(f)
            }
            var pr = MapRenderer(scale: p.scale ?? 4)
            pr.boundaries = r.boundaries
            try pr.render(map, .phase).writePNG((outputFolder as NSString).appendingPathComponent("phase.png"))
            return "wrote \(made.joined(separator: ", ")), phase.png"
        }
    }
}

extension GeometryOptions {
    static func message(for error: Error) -> String { fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)" }
}
