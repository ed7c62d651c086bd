import ArgumentParser
import Foundation
import EBSDPipeline

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
    static let defaults = DictionaryMatchOptions()

    @Argument(help: "Pattern stack.") var stack: String
    @OptionGroup var geometry: GeometryOptions
    @OptionGroup var map: ScanGridOption
    @OptionGroup var nlpar: NLPAROptions
    @OptionGroup var matching: MatchingOptions
    @OptionGroup var refineOptions: RefineOptions
    @Option(help: "Orientation sampling resolution in degrees (the reference study: 2).") var resolution = defaults.resolutionDegrees
    @Option(help: "Best matches kept per pattern.") var topK = defaults.keep
    @Flag(help: "Refine every orientation after matching.") var refine = false
    @Flag(help: "Fast matcher: dictionary compressed to its leading principal components, exact NCC of the best candidates.")
    var fast = defaults.fast
    @Option(help: "Principal components kept by --fast.") var components = defaults.components
    @Option(help: "Leave patterns whose best NCC is below this not indexed (noise, pores).") var minScore: Double?
    @Option(name: .shortAndLong, help: "Output map (.ang, .ctf or .h5 in orix's layout).") var output: String

    var options: DictionaryMatchOptions {
        get throws {
            var o = try matching.dictionaryOptions(resolution: resolution)
            o.keep = topK
            o.fast = fast
            o.components = components
            o.minimumScore = minScore
            return o
        }
    }

    func validate() throws {
        do { try options.validate() } catch let e as MatchingError { throw flagError(e) }
        try requireMapOutput(output)
    }

    func run() throws {
        do {
            let (mp, phase, _, s, signal) = try matching.setUp(stack: stack, geometry: geometry, grid: map, nlpar: nlpar)
            let matcher = try StackMatcher(signal: signal, master: mp, phase: phase, options: try options)
            let blocks = matcher.indexer.blockSizes(measured: s.count)
            say(
                "dictionary: \(matcher.rotations.count) orientations at \(resolution)°, \(signal.length) px per pattern; "
                    + "blocks of \(blocks.dictionary) simulated × \(blocks.measured) measured")
            let t0 = Date()
            var (m, r) = try matcher.match(s, progress: ProgressReporter(total: s.count, label: "match").callback)
            if let e = r.energyKept {
                say(String(format: "compressed dictionary: %d components keep %.1f %% of the energy", components, 100 * e))
            }
            let source =
                r.dictionaryFromCache
                ? "read from the cache in" : (matching.dictionaryCache != nil ? "simulated and cached in" : "simulated in")
            say(
                String(
                    format: "matched %d patterns at %.1f patterns/s (dictionary %@ %.1f s)", s.count,
                    Double(s.count) / Date().timeIntervalSince(t0),
                    source, r.simulationSeconds))
            let ro = try refineOptions.options(memoryBytes: try matching.bytes())
            if refine || ro.neighbourCheckThreshold > 0 {
                let t1 = Date()
                let (refined, report) = try MapRefiner(signal: signal, master: mp, options: ro)
                    .refine(m, stack: s, progress: ProgressReporter(total: m.indexedCount, label: "refine").callback)
                m = refined
                if !report.description.isEmpty { say(report.description) }
                say(String(format: "refined at %.1f patterns/s", Double(s.count) / Date().timeIntervalSince(t1)))
            }
            try writeMap(m, to: output)
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
