import ArgumentParser
import Foundation
import EBSDPipeline

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
    @OptionGroup var map: ScanGridOption
    @OptionGroup var nlpar: NLPAROptions
    @OptionGroup var matching: MatchingOptions
    @OptionGroup var refineOptions: RefineOptions
    @Option(help: "Orientation sampling resolution of the dictionary in degrees.") var resolution = DictionaryMatchOptions()
        .resolutionDegrees
    @Option(help: "Hough CI below which a pixel goes to the dictionary.") var ciThreshold = HybridIndexer.defaultCIThreshold
    @Option(help: "Fewest matched Hough bands a pixel may have and skip the dictionary.") var minBands = HybridIndexer.defaultMinimumBands
    @Option(help: "Accelerating voltage in kV (Hough band width).") var kv = Electron.defaultVoltageKV
    @Option(name: .shortAndLong, help: "Output map (.ang, .ctf or .h5 in orix's layout).") var output: String

    func validate() throws {
        do { try matching.dictionaryOptions(resolution: resolution).validate() } catch let e as MatchingError {
            throw flagError(e)
        }
        try requireMapOutput(output)
    }

    func run() throws {
        do {
            let (mp, phase, det, s, signal) = try matching.setUp(stack: stack, geometry: geometry, grid: map, nlpar: nlpar)
            let matcher = try StackMatcher(
                signal: signal, master: mp, phase: phase, options: try matching.dictionaryOptions(resolution: resolution))
            var hybrid = HybridIndexer(
                hough: HoughIndexer(detector: det, phases: [phase], voltageKV: kv), matcher: matcher,
                refinement: try refineOptions.options(memoryBytes: try matching.bytes()))
            hybrid.ciThreshold = ciThreshold
            hybrid.minimumBands = minBands
            let t0 = Date()
            var reporters: [String: ProgressReporter] = [:]
            let (m, r) = try hybrid.index(s) { stage, done, total in
                let p = reporters[stage] ?? ProgressReporter(total: total, label: stage)
                reporters[stage] = p
                p.update(done)
            }
            say(String(format: "hough: %.1f s; %d of %d pixels went to the dictionary", r.houghSeconds, r.matched, m.count))
            if !r.refinement.description.isEmpty { say(r.refinement.description) }
            say(String(format: "total %.1f s", Date().timeIntervalSince(t0)))
            try writeMap(m, to: output)
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
