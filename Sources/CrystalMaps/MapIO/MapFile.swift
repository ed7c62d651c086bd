import Foundation

/// Picks the reader or writer by file extension. Every reader's result goes through
/// ``CrystalMap/markingNonFiniteNotIndexed()``: a point whose orientation is not finite (h5oina marks
/// points outside the acquisition area with NaN) is not indexed, and the map's metadata counts them
/// (`non_finite_points`).
public enum MapFile {
    public static let readableExtensions = [
        "ang", "osc", "ctf", "cpr", "crc", "h5oina", "h5", "hdf5", "oh5", "h5ebsd", "edaxh5", MapSnapshot.fileExtension,
    ]
    /// `.h5` is written in orix's HDF5 crystal-map layout; `.ebsdmap` is the exact snapshot (``MapSnapshot``).
    public static let writableExtensions = ["ang", "ctf", "h5", MapSnapshot.fileExtension]
    static let hdf5Extensions: Set<String> = ["h5oina", "h5", "hdf5", "oh5", "h5ebsd", "edaxh5"]

    /// Reads a map; `scan` chooses the scan of an HDF5 file with several (default: the first).
    public static func read(_ path: String, scan: String? = nil) throws(MapFileError) -> CrystalMap {
        let ext = (path as NSString).pathExtension.lowercased()
        let map: CrystalMap
        switch ext {
        case "ang": map = try AngFile.read(path)
        case "ctf": map = try CtfFile.read(path)
        case "osc": map = try OscFile.read(path)
        case "cpr", "crc": map = try OxfordBinaryFile.read(path)
        case MapSnapshot.fileExtension: map = try MapSnapshot.read(path)
        case _ where hdf5Extensions.contains(ext): map = try HDF5MapFile.read(path, scan: scan)
        default: throw .unsupported(path: path, message: "unknown map format (expected .\(readableExtensions.joined(separator: ", .")))")
        }
        return map.markingNonFiniteNotIndexed()
    }

    public static func write(_ map: CrystalMap, to path: String) throws(MapFileError) {
        switch (path as NSString).pathExtension.lowercased() {
        case "ang": try AngFile.write(map, to: path)
        case "ctf": try CtfFile.write(map, to: path)
        case "h5": try HDF5MapFile.write(map, to: path)
        case MapSnapshot.fileExtension: try MapSnapshot.write(map, to: path)
        default:
            throw .unsupported(path: path, message: "cannot write this format (expected .\(writableExtensions.joined(separator: ", .")))")
        }
    }
}
