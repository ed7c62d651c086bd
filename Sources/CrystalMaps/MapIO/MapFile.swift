import Foundation

/// Picks the reader or writer by file extension.
public enum MapFile {
    public static let readableExtensions = ["ang", "ctf", "cpr", "crc"]
    public static let writableExtensions = ["ang", "ctf"]

    public static func read(_ path: String) throws(MapFileError) -> CrystalMap {
        switch (path as NSString).pathExtension.lowercased() {
        case "ang": return try AngFile.read(path)
        case "ctf": return try CtfFile.read(path)
        case "cpr", "crc": return try OxfordBinaryFile.read(path)
        default: throw .unsupported(path: path, message: "unknown map format (expected .\(readableExtensions.joined(separator: ", .")))")
        }
    }

    public static func write(_ map: CrystalMap, to path: String) throws(MapFileError) {
        switch (path as NSString).pathExtension.lowercased() {
        case "ang": try AngFile.write(map, to: path)
        case "ctf": try CtfFile.write(map, to: path)
        default:
            throw .unsupported(path: path, message: "cannot write this format (expected .\(writableExtensions.joined(separator: ", .")))")
        }
    }
}
