import ArgumentParser
import Foundation
import CrystalMaps
import PatternMatching

/// A map output path: .ang, .ctf or .h5 (orix), in a folder that exists.
func requireMapOutput(_ output: String) throws {
    guard MapFile.writableExtensions.contains((output as NSString).pathExtension.lowercased()) else {
        throw ValidationError("output must end in .ang, .ctf or .h5")
    }
    try requireOutputFolder(output)
}

/// Writes a map (temporary file + rename) and says so on stderr.
func writeMap(_ m: CrystalMap, to output: String) throws {
    try MapFile.write(m, to: output)
    say("wrote \(output)")
}

/// One line on stderr.
func say(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Checks that the folder of an output file exists (before any work starts).
func requireOutputFolder(_ path: String) throws {
    let dir = (path as NSString).deletingLastPathComponent
    var isDir: ObjCBool = false
    if !dir.isEmpty && !(FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) && isDir.boolValue) {
        throw ValidationError("the output folder \(dir) does not exist")
    }
}

/// A library option error named as the command line spells the option (`keep` is `--top-k`, `map_pc_range` is
/// `--map-pc-range`).
func flagError(_ e: MatchingError) -> ValidationError {
    let flags = ["keep": "top-k"]
    guard let key = e.key else { return ValidationError(e.message) }
    return ValidationError("--\(flags[key] ?? key.replacingOccurrences(of: "_", with: "-")) \(e.message)")
}

/// Reads a map (any format; `scan` for HDF5 files with several) and says on stderr how many points had
/// non-finite orientations and were set to not indexed.
func readMap(_ path: String, scan: String? = nil) throws -> CrystalMap {
    let map = try MapFile.read(path, scan: scan)
    if map.nonFinitePoints > 0 { say("\(path): \(map.nonFinitePoints) points with non-finite orientations set to not indexed") }
    return map
}
