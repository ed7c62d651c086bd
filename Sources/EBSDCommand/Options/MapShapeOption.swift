import ArgumentParser
import Foundation
import EBSDPipeline
import PatternStacks
import Preprocessing
import EBSDImageIO

/// `--map-shape ROWSxCOLS`, for stacks whose files do not say.
struct MapShapeOption: ParsableArguments {
    @Option(help: "Map shape ROWSxCOLS where the file does not state it.") var mapShape: String?
    func shape() throws -> (rows: Int, columns: Int)? {
        guard let s = mapShape else { return nil }
        let (r, c) = try GeometryOptions.shape(s, name: "--map-shape")
        return (r, c)
    }
}
