import ArgumentParser
import Foundation
import Crystallography
import CrystalMaps
import DetectorGeometry
import HoughIndexing
import MapCleanup
import PatternMatching
import PatternSimulation
import PatternStacks
import Preprocessing

/// Options shared by `index match`, `index hybrid` and `refine`: the master
/// pattern and how measured and simulated patterns are made comparable.
struct MatchingOptions: ParsableArguments {
    @Option(help: "Master pattern TIFF (e.g. MasterPatterns/Na-20kV-kinematical.tif).") var master: String
    @Option(help: "Phase the master pattern shows (built-in name or .json); default: the master pattern's own.") var phase: String?
    @Option(help: "Static background: an image file, 'mean' (the stack mean) or 'none'.") var staticBackground = "mean"
    @Option(help: "Dynamic background σ in px (0 = none; default width/8).") var dynamicBackground: Double?
    @Option(help: "Gaussian filter σ in px on the measured patterns (weak patterns; 0 = none).") var gaussian = 0.0
    @Option(name: .customLong("match-binning"), help: "Bin measured patterns by this factor before matching (simulated ones are made at the binned size).") var binning = 1
    @Option(help: "Point-spread σ in px given to simulated patterns (0 = none).") var psf = 0.0
    @Flag(help: "Match only inside the circle inscribed in the pattern.") var circularMask = false
    @Option(help: "Memory budget, e.g. 512MB, 2GB.") var memory = "2GB"
    @Option(help: "Keep the prepared dictionary in this file: read when it matches the master, detector, signal and resolution, else (re)written.") var dictionaryCache: String?

    func bytes() throws -> Int {
        let s = memory.uppercased().trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("GB", 1_073_741_824), ("G", 1_073_741_824), ("MB", 1_048_576), ("M", 1_048_576), ("KB", 1024), ("B", 1)]
        for (u, f) in units where s.hasSuffix(u) {
            if let v = Double(s.dropLast(u.count)), v > 0 { return Int(v * f) }
        }
        throw ValidationError("--memory '\(memory)' must be a size like 512MB or 2GB")
    }

    func validate() throws {
        if let c = dictionaryCache {
            let dir = (c as NSString).deletingLastPathComponent
            guard FileManager.default.isWritableFile(atPath: dir.isEmpty ? "." : dir) else { throw ValidationError("--dictionary-cache \(c): its folder does not exist or is not writable") }
        }
        _ = try bytes()
        guard binning >= 1, gaussian >= 0, psf >= 0, (dynamicBackground ?? 1) >= 0 else { throw ValidationError("--match-binning must be ≥ 1; --gaussian, --psf and --dynamic-background ≥ 0") }
    }

    /// The master pattern, checked against --phase.
    func masterAndPhase() throws -> (MasterPattern, Phase) {
        let mp = try MasterPattern.read(master)
        let mpPhase = mp.description?.phase
        if let name = phase {
            let p = try Phase.resolve(name)
            if let mpPhase, mpPhase.lowercased() != p.name.lowercased() {
                throw ValidationError("\(master) is a master pattern of \(mpPhase), not of --phase \(p.name)")
            }
            return (mp, p)
        }
        guard let mpPhase, let p = try? Phase.resolve(mpPhase) else {
            throw ValidationError("\(master) does not name its phase; give --phase")
        }
        return (mp, p)
    }

    /// Master pattern, phase, detector, stack and signal of a matching command, all checked.
    func setUp(stack path: String, geometry: GeometryOptions, mapShape: (rows: Int, columns: Int)?) throws
        -> (MasterPattern, Phase, Detector, PatternStack, PatternSignal) {
        let (mp, phase) = try masterAndPhase()
        let (det, s) = try geometry.detectorAndStack(path, mapShape: mapShape)
        return (mp, phase, det, s, try signal(detector: det, stack: s))
    }

    /// The matching signal for patterns of `detector`'s shape from `stack`.
    func signal(detector det: Detector, stack: PatternStack) throws -> PatternSignal {
        guard det.rows % binning == 0, det.columns % binning == 0 else { throw ValidationError("--match-binning \(binning) does not divide the \(det.rows)x\(det.columns) patterns") }
        var steps: [PreprocessStep] = []
        switch staticBackground.lowercased() {
        case "none": break
        case "mean": steps.append(.staticBackground(image: try stack.meanPattern(), operation: .subtract))
        default:
            let bg = try PatternStack.open(staticBackground, mapShape: (1, 1)).read(0..<1)
            guard bg.count == det.pixelCount else { throw ValidationError("\(staticBackground): background is not \(det.rows)x\(det.columns) px") }
            steps.append(.staticBackground(image: bg, operation: .subtract))
        }
        let sigma = dynamicBackground ?? Double(det.columns) / 8
        if sigma > 0 { steps.append(.dynamicBackground(sigma: sigma, operation: .subtract)) }
        if gaussian > 0 { steps.append(.gaussianFilter(sigma: gaussian)) }
        if binning > 1 { steps.append(.binning(factor: binning)) }
        var small = det
        small.rows /= binning; small.columns /= binning
        let mask = circularMask ? Preprocessing.circularMask(rows: small.rows, columns: small.columns) : nil
        return PatternSignal(detector: small, experimental: Preprocessor(rows: det.rows, columns: det.columns, steps: steps), mask: mask, simulatedBlurSigma: psf)
    }
}

/// Options for refinement and the neighbour check.
struct RefineOptions: ParsableArguments {
    @Flag(help: "Refine the pattern centre per pattern too (reported as a median; the map keeps one PC).") var refinePC = false
    @Option(help: "Refine one PC for the whole map: per-pattern PC refinement on this many well-matched patterns spread over the map, median PC, then every orientation with it (0 = off).") var mapPC = 0
    @Option(help: "Pseudo-symmetry operator ANGLE@UVW whose variants are refined too (repeatable), e.g. 60@111.") var pseudoSymmetry: [String] = []
    @Option(help: "Neighbour check: pixels below this NCC (or not indexed) try their neighbours' orientations (0 = off).") var neighbourCheck = 0.0
    @Flag(help: "Faster orientation search by successive quadratic models (about 50 instead of 64 projections per pattern; as precise as Nelder–Mead on kinematical-like patterns, slightly less on very sharp ones).") var fastRefine = false

    func refiner(signal: PatternSignal, master: MasterPattern, group: LaueGroup) throws -> OrientationRefiner {
        var r = OrientationRefiner(signal: signal, master: master)
        r.refinePC = refinePC
        if fastRefine { r.quadraticModel = OrientationRefiner.fastSearch }
        if !pseudoSymmetry.isEmpty {
            let ops = try pseudoSymmetry.map { s in do { return try PseudoSymmetryCorrection.parseOperator(s) } catch { throw ValidationError("\(error)") } }
            r.variants = PseudoSymmetryCorrection(operators: ops).variants(group)
        }
        return r
    }
}

/// Runs refinement (and the neighbour check) over a map, streaming the stack in chunks.
func refineMap(_ map: CrystalMap, stack: PatternStack, signal: PatternSignal, master: MasterPattern, options: RefineOptions,
               pixels: [Int]? = nil, label: String = "refine") throws -> CrystalMap {
    let group = map.phases.first?.phase.laueGroup ?? .cubicHigh
    var signal = signal
    if options.mapPC > 0 {
        // the best-scoring indexed pixels, one per stretch of the map, refine their own PCs; the median is the map's PC
        let scores = map.properties[MapProperty.score] ?? map.properties[MapProperty.confidenceIndex] ?? [Float](repeating: 1, count: map.count)
        let indexed = (0..<map.count).filter { map.isIndexed($0) }
        let stretch = max(1, indexed.count / options.mapPC)
        let picks = stride(from: 0, to: indexed.count, by: stretch).compactMap { s in indexed[s..<min(indexed.count, s + stretch)].max { scores[$0] < scores[$1] } }
        let raw = try readPatterns(stack, picks)
        var r = OrientationRefiner(signal: signal, master: master)
        r.refinePC = true
        let res = r.refine(prepared: signal.prepareExperimental(raw, count: picks.count), starts: picks.map { map.rotations[$0] }, pcs: [signal.detector.pc()])
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
        let pc = PatternCenter(median(res.map(\.pc.x)), median(res.map(\.pc.y)), median(res.map(\.pc.z)))
        let old = signal.detector.pc()
        FileHandle.standardError.write(Data(String(format: "map PC (Bruker) from %d patterns: %.4f %.4f %.4f (was %.4f %.4f %.4f)\n", picks.count, pc.x, pc.y, pc.z, old.x, old.y, old.z).utf8))
        signal = signal.with(patternCenter: pc)
    }
    let refiner = try options.refiner(signal: signal, master: master, group: group)
    var out = map
    if options.mapPC > 0 { let pc = signal.detector.pc(); out.metadata["pattern_center_bruker"] = String(format: "%.5f %.5f %.5f", pc.x, pc.y, pc.z) }
    var refinedPCs: [PatternCenter] = []
    var score = map.properties[MapProperty.score] ?? [Float](repeating: 0, count: map.count)
    let todo = pixels ?? (0..<map.count).filter { map.isIndexed($0) }
    let progress = ProgressReporter(total: todo.count, label: label)
    var variantWins = 0
    let chunk = 512
    var done = 0
    for start in stride(from: 0, to: todo.count, by: chunk) {
        let ids = Array(todo[start..<min(todo.count, start + chunk)])
        let raw = try readPatterns(stack, ids)
        let res = refiner.refine(prepared: signal.prepareExperimental(raw, count: ids.count), starts: ids.map { map.rotations[$0] }, pcs: [signal.detector.pc()])
        for (k, i) in ids.enumerated() {
            out.rotations[i] = res[k].rotation; score[i] = res[k].score
            if res[k].variant > 0 { variantWins += 1 }
            if options.refinePC { refinedPCs.append(res[k].pc) }
        }
        done += ids.count
        progress.update(done)
    }
    out.properties[MapProperty.score] = score
    out.properties[MapProperty.confidenceIndex] = score
    if !refinedPCs.isEmpty {
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
        FileHandle.standardError.write(Data(String(format: "per-pattern PCs (Bruker): median %.4f %.4f %.4f over %d patterns\n", median(refinedPCs.map(\.x)), median(refinedPCs.map(\.y)), median(refinedPCs.map(\.z)), refinedPCs.count).utf8))
    }
    if !options.pseudoSymmetry.isEmpty { FileHandle.standardError.write(Data("pseudo-symmetry: a variant won in \(variantWins) of \(todo.count) patterns\n".utf8)) }
    if options.neighbourCheck > 0 {
        let check = NeighbourCheck(threshold: Float(options.neighbourCheck))
        let (m, changed, checked) = try check.apply(out, scores: score, signal: signal, projector: refiner.projector) { i in
            signal.prepareExperimental(try stack.read(i..<(i + 1)), count: 1)
        }
        out = m
        FileHandle.standardError.write(Data("neighbour check: \(checked) pixels below \(options.neighbourCheck) or not indexed, \(changed) changed\n".utf8))
    }
    return out
}

struct IndexMatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Dictionary indexing: NCC against patterns simulated for a cubochoric sample of the fundamental zone (cblas_sgemm).",
        discussion: """
        Example: ebsd index match SampleMaps/na-foil-topview/patterns.tif --master MasterPatterns/Na-20kV-kinematical.tif \
        --resolution 2 --pc 0.5,0.5,0.6 --pattern-shape 60x60 --refine -o map.ang. The dictionary and the stack are processed in \
        blocks that fit --memory. The best NCC is written as the score (and CI) column.
        """
    )
    @Argument(help: "Pattern stack.") var stack: String
    @OptionGroup var geometry: GeometryOptions
    @OptionGroup var map: MapShapeOption
    @OptionGroup var matching: MatchingOptions
    @OptionGroup var refineOptions: RefineOptions
    @Option(help: "Orientation sampling resolution in degrees (the reference study: 2).") var resolution = 2.0
    @Option(help: "Best matches kept per pattern.") var topK = 5
    @Flag(help: "Refine every orientation after matching.") var refine = false
    @Flag(help: "Fast matcher: dictionary compressed to its leading principal components, exact NCC of the best candidates.") var fast = false
    @Option(help: "Principal components kept by --fast.") var components = 128
    @Option(help: "Leave patterns whose best NCC is below this not indexed (noise, pores).") var minScore: Double?
    @Option(help: "Map step in µm.") var step = 1.0
    @Option(name: .shortAndLong, help: "Output map (.ang or .ctf).") var output: String

    func validate() throws {
        try requireResolution(resolution)
        guard (8...1024).contains(components) else { throw ValidationError("--components must be 8…1024") }
        guard (1...50).contains(topK) else { throw ValidationError("--top-k must be 1…50") }
        try requireMapOutput(output)
    }

    func run() throws {
        do {
            let (mp, phase, det, s, signal) = try matching.setUp(stack: stack, geometry: geometry, mapShape: try map.shape())
            let rotations = OrientationSampling.fundamentalZone(phase.laueGroup, resolution: resolution)
            var di = DictionaryIndexer(signal: signal, master: mp, rotations: rotations)
            di.k = topK; di.memoryBytes = try matching.bytes()
            di.cache = matching.dictionaryCache.map(DictionaryCache.init)
            let blocks = di.blockSizes(measured: s.count)
            FileHandle.standardError.write(Data("dictionary: \(rotations.count) orientations at \(resolution)°, \(signal.length) px per pattern; blocks of \(blocks.dictionary) simulated × \(blocks.measured) measured\n".utf8))
            let t0 = Date()
            let progress = ProgressReporter(total: s.count, label: "match")
            let r: MatchResult
            if fast {
                guard let cd = CompressedDictionary(signal: signal, master: mp, rotations: rotations, components: components) else { throw ValidationError("the dictionary's principal components could not be computed (LAPACK ssyevr failed)") }
                FileHandle.standardError.write(Data(String(format: "compressed dictionary: %d components keep %.1f %% of the energy (%.1f s)\n", cd.components, 100 * cd.energyKept, Date().timeIntervalSince(t0)).utf8))
                var fm = FastMatcher(signal: signal, master: mp, dictionary: cd)
                fm.candidates = max(topK, fm.candidates)
                var all = MatchResult(count: s.count, k: fm.candidates)
                let chunk = max(256, min(65_536, (try matching.bytes() / 4) / (4 * signal.length)))
                try s.forEachChunk(size: chunk) { range, raw in
                    let part = fm.match(prepared: signal.prepareExperimental(raw, count: range.count), count: range.count)
                    for i in 0..<(range.count * fm.candidates) { all.indices[range.lowerBound * fm.candidates + i] = part.indices[i]; all.scores[range.lowerBound * fm.candidates + i] = part.scores[i] }
                    progress.update(range.upperBound)
                }
                r = all
            } else {
                r = try di.match(stack: s) { done, total in progress.update(Int(Double(done) / Double(total) * Double(s.count))) }
            }
            var m = di.crystalMap(r, grid: MapGrid(rows: s.mapRows, columns: s.mapColumns, stepX: step, stepY: step), phase: phase, minimumScore: Float(minScore ?? -1))
            FileHandle.standardError.write(Data(String(format: "matched %d patterns at %.1f patterns/s (dictionary %@ %.1f s)\n", s.count, Double(s.count) / Date().timeIntervalSince(t0),
                                                       r.dictionaryFromCache ? "read from the cache in" : (matching.dictionaryCache != nil ? "simulated and cached in" : "simulated in"), r.simulationSeconds).utf8))
            if refine || refineOptions.neighbourCheck > 0 {
                let t1 = Date()
                m = try refineMap(m, stack: s, signal: signal, master: mp, options: refineOptions)
                FileHandle.standardError.write(Data(String(format: "refined at %.1f patterns/s\n", Double(s.count) / Date().timeIntervalSince(t1)).utf8))
            }
            try writeMap(m, to: output)
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}

struct Refine: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Refine the orientations of a crystal map (e.g. a Hough or dictionary result) against its patterns by NCC (Nelder–Mead).",
        discussion: "Example: ebsd refine hough.ang patterns.tif --master MasterPatterns/Na-20kV-kinematical.tif --pc 0.5,0.5,0.6 -o refined.ang"
    )
    @Argument(help: "Crystal map to start from (.ang/.ctf/.cpr).") var map: String
    @Argument(help: "Pattern stack in the map's scan order.") var stack: String
    @OptionGroup var geometry: GeometryOptions
    @OptionGroup var matching: MatchingOptions
    @OptionGroup var refineOptions: RefineOptions
    @Option(name: .shortAndLong, help: "Output map (.ang or .ctf).") var output: String

    func validate() throws {
        try requireMapOutput(output)
    }

    func run() throws {
        do {
            let (mp, _) = try matching.masterAndPhase()
            let start = try MapFile.read(map)
            let (det, s) = try geometry.detectorAndStack(stack, mapShape: (start.grid.rows, start.grid.columns))
            guard s.count == start.count else { throw ValidationError("\(stack) holds \(s.count) patterns but \(map) has \(start.count) pixels") }
            let signal = try matching.signal(detector: det, stack: s)
            let t0 = Date()
            let m = try refineMap(start, stack: s, signal: signal, master: mp, options: refineOptions)
            FileHandle.standardError.write(Data(String(format: "refined %d patterns at %.1f patterns/s\n", start.indexedCount, Double(start.indexedCount) / Date().timeIntervalSince(t0)).utf8))
            try writeMap(m, to: output)
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}

struct IndexHybrid: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hybrid",
        abstract: "Hough first; dictionary matching only where Hough is unsure (low CI or few bands); then refine all.",
        discussion: """
        Example: ebsd index hybrid patterns.tif --master MasterPatterns/Na-20kV-kinematical.tif --pc 0.5,0.5,0.6 -o map.ang. \
        Pixels with Hough CI below --ci-threshold or fewer than --min-bands matched bands are matched against the dictionary.
        """
    )
    @Argument(help: "Pattern stack.") var stack: String
    @OptionGroup var geometry: GeometryOptions
    @OptionGroup var map: MapShapeOption
    @OptionGroup var matching: MatchingOptions
    @OptionGroup var refineOptions: RefineOptions
    @Option(help: "Orientation sampling resolution of the dictionary in degrees.") var resolution = 2.0
    @Option(help: "Hough CI below which a pixel goes to the dictionary.") var ciThreshold = 0.2
    @Option(help: "Fewest matched Hough bands a pixel may have and skip the dictionary.") var minBands = 6
    @Option(help: "Accelerating voltage in kV (Hough band width).") var kv = 20.0
    @Option(help: "Map step in µm.") var step = 1.0
    @Option(name: .shortAndLong, help: "Output map (.ang or .ctf).") var output: String

    func validate() throws {
        try requireResolution(resolution)
        try requireMapOutput(output)
    }

    func run() throws {
        do {
            let (mp, phase, det, s, signal) = try matching.setUp(stack: stack, geometry: geometry, mapShape: try map.shape())
            let t0 = Date()
            let hough = HoughIndexer(detector: det, phases: [phase], voltage: kv * 1000)
            let hp = ProgressReporter(total: s.count, label: "hough")
            var m = try hough.index(stack: s, step: step, progress: { hp.update($0) })
            let ci = m.properties["ci"] ?? [], bands = m.properties["bands_matched"] ?? []
            let unsure = (0..<m.count).filter { !m.isIndexed($0) || ci[$0] < Float(ciThreshold) || bands[$0] < Float(minBands) }
            FileHandle.standardError.write(Data(String(format: "hough: %.1f s; %d of %d pixels go to the dictionary\n", Date().timeIntervalSince(t0), unsure.count, m.count).utf8))
            if !unsure.isEmpty {
                let rotations = OrientationSampling.fundamentalZone(phase.laueGroup, resolution: resolution)
                var di = DictionaryIndexer(signal: signal, master: mp, rotations: rotations)
                di.memoryBytes = try matching.bytes()
                di.cache = matching.dictionaryCache.map(DictionaryCache.init)
                let mpb = ProgressReporter(total: unsure.count, label: "match")
                let r = try di.match(count: unsure.count, read: { range in try readPatterns(s, Array(unsure[range])) }, progress: { d, t in mpb.update(Int(Double(d) / Double(t) * Double(unsure.count))) })
                for (k, i) in unsure.enumerated() {
                    m.rotations[i] = rotations[Int(r.indices[k * r.k])]; m.phaseIndex[i] = 0
                }
            }
            m.phases = [MapPhase(id: 1, phase: phase)]
            let t1 = Date()
            m = try refineMap(m, stack: s, signal: signal, master: mp, options: refineOptions)
            FileHandle.standardError.write(Data(String(format: "refined at %.1f patterns/s; total %.1f s\n", Double(m.count) / Date().timeIntervalSince(t1), Date().timeIntervalSince(t0)).utf8))
            try writeMap(m, to: output)
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}

/// A map output path: .ang or .ctf, in a folder that exists.
func requireMapOutput(_ output: String) throws {
    guard MapFile.writableExtensions.contains((output as NSString).pathExtension.lowercased()) else { throw ValidationError("output must end in .ang or .ctf") }
    try requireOutputFolder(output)
}

/// A dictionary sampling resolution in degrees.
func requireResolution(_ r: Double) throws {
    guard r > 0, r <= 20 else { throw ValidationError("--resolution must be in (0, 20] degrees") }
}

/// Writes a map (temporary file + rename) and says so on stderr.
func writeMap(_ m: CrystalMap, to output: String) throws {
    try MapFile.write(m, to: output)
    FileHandle.standardError.write(Data("wrote \(output)\n".utf8))
}

/// The patterns of map pixels `ids` (ascending), read as contiguous runs rather than one by one.
func readPatterns(_ stack: PatternStack, _ ids: [Int]) throws -> [Float] {
    var raw: [Float] = []
    raw.reserveCapacity(ids.count * stack.patternSize)
    var k = 0
    while k < ids.count {
        var e = k + 1
        while e < ids.count && ids[e] == ids[e - 1] + 1 { e += 1 }
        raw += try stack.read(ids[k]..<(ids[e - 1] + 1))
        k = e
    }
    return raw
}
