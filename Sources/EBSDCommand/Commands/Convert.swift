import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import CrystalMaps

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a crystal map between formats (.ang ⇄ .ctf; .cpr/.crc → .ang/.ctf).",
        discussion: """
            Orientations are copied as stored. EDAX .ang Euler angles refer to the TSL frame, turned 90° about \
            the sample normal from the map's x/y; Oxford angles refer to the map frame. Use --frame tsl-to-map \
            to rotate .ang orientations into the map frame (φ1 − 90°, as MTEX and DefDAP do). The output is \
            written to a temporary file and renamed, so a failed run leaves no partial file.
            """
    )

    enum Frame: String, ExpressibleByArgument, CaseIterable { case stored, tslToMap = "tsl-to-map" }

    @Argument(help: "Input map (.ang, .ctf, .cpr/.crc, .h5oina, EDAX/Bruker .h5, h5ebsd, orix .h5).") var input: String
    @Option(help: "Scan of an HDF5 input that holds several (default: the first).") var scan: String?
    @Argument(help: "Output map (.ang, .ctf, or .h5 in orix's HDF5 layout).") var output: String
    @Option(help: "Sample frame of the written orientations: \(Frame.allCases.map(\.rawValue).joined(separator: ", ")).")
    var frame: Frame = .stored
    @Option(help: ".ctf output: decimal point or comma (default: as the input file has it, else point).")
    var decimal: CtfFile.DecimalSeparator?

    func validate() throws {
        let ext = (output as NSString).pathExtension.lowercased()
        guard MapFile.writableExtensions.contains(ext) else {
            throw ValidationError("output must end in .ang, .ctf or .h5 (got '\(output)')")
        }
        guard (input as NSString).standardizingPath != (output as NSString).standardizingPath else {
            throw ValidationError("input and output are the same file")
        }
    }

    func run() throws {
        do {
            var map = try readMap(input, scan: scan)
            if frame == .tslToMap { map = map.convertingSampleFrame(.tslToMap) }
            if let decimal { map.metadata[CtfFile.decimalSeparatorKey] = decimal.rawValue }
            try MapFile.write(map, to: output)
            FileHandle.standardError.write(Data("wrote \(output) (\(map.count) points, \(map.phases.count) phase(s))\n".utf8))
        } catch { throw fail(error) }
    }
}

extension CtfFile.DecimalSeparator: ExpressibleByArgument {}
