import ArgumentParser
import Foundation
import EBSDPipeline

struct GrainsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grains",
        abstract: "Segment grains and report sizes: per-grain CSV, JSON statistics (ECD, intercepts, ASTM E112/E2627).",
        discussion: "Example: ebsd grains SampleMaps/na-deposit.ang --hagb 10 --lagb 2 --min-size 5 --csv grains.csv --json stats.json"
    )
    static let defaults = GrainAnalysis.Parameters()

    @Argument(help: "Map file.") var file: String
    @Option(help: "Grain boundary threshold (HAGB) in degrees.") var hagb = defaults.boundaries.highDegrees
    @Option(help: "Low-angle boundary threshold in degrees.") var lagb = defaults.boundaries.lowDegrees
    @Option(help: "Ignore grains smaller than this many pixels.") var minSize = defaults.minimumPixels
    @Option(help: "Connectivity: 4 or 8.") var connectivity = defaults.connectivity.rawValue
    @Option(help: "Per-grain table.") var csv: String?
    @Option(help: "Statistics and parameters as JSON.") var json: String?

    var parameters: GrainAnalysis.Parameters {
        get throws {
            var p = GrainAnalysis.Parameters()
            p.boundaries = BoundaryThresholds(lowDegrees: lagb, highDegrees: hagb)
            p.minimumPixels = minSize
            guard let c = Connectivity(rawValue: connectivity) else { throw ValidationError("--connectivity must be 4 or 8") }
            p.connectivity = c
            do { try p.validate() } catch { throw ValidationError("\(error)") }
            return p
        }
    }

    func validate() throws {
        _ = try parameters
        for p in [csv, json].compactMap({ $0 }) { try requireOutputFolder(p) }
    }

    func run() throws {
        do {
            let map = try readMap(file)
            guard map.indexedCount > 0 else { throw ValidationError("\(file): the map has no indexed pixel") }
            let g = try GrainAnalysis(map, parameters: try parameters)
            for line in g.summary { print(line) }
            if let csv { try writeAtomically(g.csv, to: csv) }
            if let json { try writeAtomically(try g.json(source: file), to: json) }
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
