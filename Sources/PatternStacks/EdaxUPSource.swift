import Foundation
import EBSDImageIO

/// EDAX `.up1` (uint8) / `.up2` (uint16) pattern files: a little-endian
/// header (uint32 version; width; height; offset of the first pattern; for
/// version ≥ 3 then one byte, uint32 map columns and rows, a uint8
/// hexagonal-grid flag and float64 x/y steps — 42 bytes), then raw patterns
/// in scan order.
public func EdaxUPSource(_ path: String) throws(PatternStackError) -> RawRecordSource {
    guard let h = FileHandle(forReadingAtPath: path) else { throw .cannotOpen(path: path, reason: "not readable") }
    defer { try? h.close() }
    let head = (try? h.read(upToCount: 42)) ?? Data()
    guard head.count >= 16 else { throw .malformed(path: path, pattern: nil, message: "header shorter than 16 bytes") }
    func u32(_ o: Int) -> Int { Int(UInt32(littleEndian: head.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt32.self) })) }
    let version = u32(0), width = u32(4), height = u32(8), offset = u32(12)
    let bpp = (path as NSString).pathExtension.lowercased() == "up2" ? 2 : 1
    guard version == 1 || version >= 3 else {
        throw .malformed(path: path, pattern: nil, message: "header version \(version) is not supported (1 or ≥ 3)")
    }
    guard width > 0, height > 0, width <= 4096, height <= 4096 else {
        throw .malformed(path: path, pattern: nil, message: "header pattern size \(width)×\(height) is not plausible")
    }
    let size = fileSize(path)
    guard offset >= 16, offset <= size else {
        throw .malformed(path: path, pattern: nil, message: "header pattern offset \(offset) lies outside the file (\(size) bytes)")
    }
    let per = width * height * bpp
    let inFile = (size - offset) / per
    var shape: (Int, Int)?
    if version >= 3 {
        guard head.count >= 26 else { throw .malformed(path: path, pattern: nil, message: "version-\(version) header is truncated") }
        let nx = u32(17), ny = u32(21)
        let hex = head[25] != 0
        if hex { throw .malformed(path: path, pattern: nil, message: "hexagonal scan grid; resample it to a square grid first") }
        guard (1...1_000_000).contains(nx), (1...1_000_000).contains(ny) else {
            throw .malformed(path: path, pattern: nil, message: "header map size \(ny) × \(nx) is not plausible")
        }
        let (total, overflow) = (nx * ny).multipliedReportingOverflow(by: per)
        guard !overflow, total + offset <= size else {
            throw .malformed(
                path: path, pattern: inFile,
                message:
                    "header says \(ny) × \(nx) patterns of \(width)×\(height), but the file holds only \(inFile) (truncated or "
                    + "header mismatch)"
            )
        }
        shape = (ny, nx)
        return try RawRecordSource(
            path: path, rows: height, columns: width, offset: offset, bytesPerPixel: bpp, count: nx * ny, mapShape: shape)
    }
    guard (size - offset) % per == 0 else {
        throw .malformed(path: path, pattern: inFile, message: "file ends inside a pattern (truncated?)")
    }
    return try RawRecordSource(path: path, rows: height, columns: width, offset: offset, bytesPerPixel: bpp, count: inFile, mapShape: nil)
}
