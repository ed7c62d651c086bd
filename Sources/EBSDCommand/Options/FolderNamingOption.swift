import ArgumentParser
import Foundation
import PatternStacks

/// `--name-pattern` and `--name-unit`: how the files of a folder of pattern images are placed on the map, for names
/// the automatic rules do not read. A spelling of ``PatternStacks/ImageFolderNaming``.
struct FolderNamingOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Image folders: where a file name puts its pattern, with fields {x} {y} (coordinates), {row} {column} "
                + "(indices) or {index} (running index) and * for any text, e.g. 'scan_x{x}y{y}.jpg' (default: read "
                + "from the names).",
            valueName: "pattern")) var namePattern: String?
    @Option(help: "Image folders: µm per unit of the x/y coordinates in the file names (default: OIM's 10 nm, 0.01).")
    var nameUnit: Double?

    func validate() throws { _ = try naming() }

    func naming() throws -> ImageFolderNaming {
        do { return try ImageFolderNaming(patternText: namePattern, unitMicrons: nameUnit) } catch {
            throw ValidationError("--name-pattern/--name-unit: \(error)")
        }
    }
}
