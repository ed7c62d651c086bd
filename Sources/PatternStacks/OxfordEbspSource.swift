import Foundation
import EBSDImageIO

/// Oxford Instruments `.ebsp` (uncompressed): an int64 version (stored
/// negated; a non-negative first value means version 0), a table of int64
/// byte positions of each pattern in scan order (0 = not acquired), then
/// per pattern a header of int32s ([map x, map y] from version 5, is-compressed,
/// rows, columns, bytes), the pixels (uint8, or uint16 when bytes = 2·rows·columns)
/// and a footer with the beam position. The map shape is not stored reliably,
/// so it comes from the user (or defaults to one row).
public final class OxfordEbspSource: PatternSource, @unchecked Sendable {
    public let path: String
    public let patternRows: Int, patternColumns: Int, count: Int
    public let mapShape: (rows: Int, columns: Int)? = nil
    let starts: [Int64]
    let headerSize: Int, bytesPerPixel: Int
    let handle: FileHandle
    let lock = NSLock()

    public init(_ path: String) throws(PatternStackError) {
        self.path = path
        guard let h = FileHandle(forReadingAtPath: path) else { throw .cannotOpen(path: path, reason: "not readable") }
        handle = h
        let size = fileSize(path)
        func i64(_ o: Int) throws(PatternStackError) -> Int64 {
            do {
                try h.seek(toOffset: UInt64(o))
                guard let d = try h.read(upToCount: 8), d.count == 8 else {
                    throw PatternStackError.malformed(path: path, pattern: nil, message: "file ends inside its header")
                }
                return Int64(littleEndian: d.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) })
            } catch let e as PatternStackError { throw e } catch { throw .malformed(path: path, pattern: nil, message: "\(error)") }
        }
        let first = try i64(0)
        guard first > -1000 else {
            throw .malformed(path: path, pattern: nil, message: "version \(first) is not an .ebsp version (stored as −1 … −999)")
        }
        let version = first < 0 ? Int(-first) : 0
        let tableStart = version == 0 ? 0 : (version > 3 ? 9 : 8)
        // The table's length is not stored: it ends where the first pattern (in file order) begins.
        var n = 0, firstPattern = Int.max
        var table: [Int64] = []
        while n == 0 || tableStart + 8 * table.count < min(firstPattern, size) {
            let v = try i64(tableStart + 8 * table.count)
            table.append(v)
            if v < 0 || v >= Int64(size) {
                throw .malformed(
                    path: path, pattern: table.count - 1, message: "pattern position \(v) lies outside the file (\(size) bytes)")
            }
            if v != 0 { firstPattern = min(firstPattern, Int(v)) }
            n = table.count
            if table.count > 50_000_000 || (firstPattern == Int.max && tableStart + 8 * table.count >= size) {
                throw .malformed(path: path, pattern: nil, message: "no pattern positions found in the table")
            }
        }
        guard firstPattern < size, (firstPattern - tableStart) % 8 == 0, tableStart + 8 * table.count == firstPattern else {
            throw .malformed(path: path, pattern: 0, message: "pattern table is not plausible (first pattern at byte \(firstPattern))")
        }
        let firstStart = Int64(firstPattern)
        starts = table
        headerSize = version >= 5 ? 24 : 16
        // First pattern's header.
        let hdrOffset = Int(firstStart) + (version >= 5 ? 8 : 0)
        var ints = [Int32](repeating: 0, count: 4)
        do {
            try h.seek(toOffset: UInt64(hdrOffset))
            let d = try h.read(upToCount: 16) ?? Data()
            guard d.count == 16 else { throw PatternStackError.malformed(path: path, pattern: 0, message: "pattern header truncated") }
            d.withUnsafeBytes { b in
                for k in 0..<4 { ints[k] = Int32(littleEndian: b.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)) }
            }
        } catch let e as PatternStackError { throw e } catch { throw .malformed(path: path, pattern: 0, message: "\(error)") }
        guard ints[0] == 0 else { throw .malformed(path: path, pattern: 0, message: "compressed patterns are not supported") }
        let rows = Int(ints[1]), cols = Int(ints[2]), nbytes = Int(ints[3])
        guard rows > 0, cols > 0, nbytes == rows * cols || nbytes == 2 * rows * cols else {
            throw .malformed(path: path, pattern: 0, message: "pattern header says \(rows)×\(cols) px in \(nbytes) bytes")
        }
        patternRows = rows
        patternColumns = cols
        bytesPerPixel = nbytes / (rows * cols)
        count = n
        for (k, s) in table.enumerated() where s != 0 && Int(s) + headerSize + nbytes > size {
            throw .malformed(path: path, pattern: k, message: "pattern lies beyond the end of the file (truncated?)")
        }
    }
    deinit { try? handle.close() }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        let n = patternRows * patternColumns
        var out = [Float](repeating: 0, count: range.count * n)
        lock.lock()
        defer { lock.unlock() }
        for (j, k) in range.enumerated() {
            let s = starts[k]
            if s == 0 { continue }  // not acquired: zeros
            let d: Data
            do {
                try handle.seek(toOffset: UInt64(Int(s) + headerSize))
                d = try handle.read(upToCount: n * bytesPerPixel) ?? Data()
            } catch { throw .malformed(path: path, pattern: k, message: "read failed: \(error)") }
            guard d.count == n * bytesPerPixel else { throw .malformed(path: path, pattern: k, message: "file ends inside this pattern") }
            d.withUnsafeBytes { b in
                if bytesPerPixel == 1 {
                    for i in 0..<n { out[j * n + i] = Float(b[i]) }
                } else {
                    for i in 0..<n { out[j * n + i] = Float(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
                }
            }
        }
        return out
    }
}
