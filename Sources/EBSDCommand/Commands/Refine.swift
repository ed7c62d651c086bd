import ArgumentParser
import Foundation
import EBSDPipeline

struct Refine: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Refine the orientations of a crystal map (e.g. a Hough or dictionary result) against its patterns by NCC "
            + "(Nelder–Mead).",
        discussion:
            "Example: ebsd refine hough.ang patterns.tif --master MasterPatterns/Na-20kV-kinematical.tif --pc 0.5,0.5,0.6 -o refined.ang"
    )
    @Argument(help: "Crystal map to start from (.ang/.ctf/.cpr).") var map: String
    @Argument(help: "Pattern stack in the map's scan order.") var stack: String
    @OptionGroup var geometry: GeometryOptions
    @OptionGroup var matching: MatchingOptions
    @OptionGroup var refineOptions: RefineOptions
    @OptionGroup var nlpar: NLPAROptions
    @OptionGroup var names: FolderNamingOption
    @Option(name: .shortAndLong, help: "Output map (.ang, .ctf or .h5 in orix's layout).") var output: String

    func validate() throws {
        try requireMapOutput(output)
    }

    func run() throws {
        do {
            let (mp, _) = try matching.masterAndPhase()
            let start = try readMap(map)
            let (det, s) = try geometry.detectorAndStack(
                stack, mapShape: (start.grid.rows, start.grid.columns), naming: try names.naming(), nlpar: nlpar)
            guard s.count == start.count else {
                throw ValidationError("\(stack) holds \(s.count) patterns but \(map) has \(start.count) pixels")
            }
            let signal = try matching.signalOptions.signal(detector: det, stack: s.withoutNLPAR)
            let t0 = Date()
            let options = try refineOptions.options(memoryBytes: try matching.bytes())
            let (m, report) = try MapRefiner(signal: signal, master: mp, options: options)
                .refine(start, stack: s, progress: ProgressReporter(total: start.indexedCount, label: "refine").callback)
            if !report.description.isEmpty { say(report.description) }
            say(
                String(
                    format: "refined %d patterns at %.1f patterns/s", start.indexedCount,
                    Double(start.indexedCount) / Date().timeIntervalSince(t0)))
            try writeMap(m, to: output)
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
