import ArgumentParser
import Foundation
import PatternStacks

/// `--map-shape ROWSxCOLS` and `--step µm`: the scan grid of a stack, for files that do not state it (a value given
/// wins over the file's), and how an image folder's names place its files. A spelling of
/// ``PatternStacks/PatternStack/open(_:mapShape:scan:stepMicrons:naming:)``'s arguments.
struct ScanGridOption: ParsableArguments {
    @Option(help: "Map shape ROWSxCOLS where the file does not state it.") var mapShape: String?
    @Option(help: "Scan step in µm (default: the file's, else 1).") var step: Double?
    @OptionGroup var names: FolderNamingOption

    func validate() throws {
        _ = try shape()
        if let step, !(step.isFinite && step > 0) { throw ValidationError("--step must be a positive number of µm (got \(step))") }
    }

    func shape() throws -> (rows: Int, columns: Int)? {
        guard let s = mapShape else { return nil }
        let (r, c) = try GeometryOptions.shape(s, name: "--map-shape")
        return (r, c)
    }
}
