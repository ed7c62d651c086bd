import Foundation
import EBSDImageIO

/// Fixed-size raw records (uint8 or little-endian uint16) after a header,
/// read with seeks: the layout of NORDIF `Pattern.dat` and EDAX `.up1/.up2`.
public final class RawRecordSource: PatternSource, @unchecked Sendable {
    public let path: String
    public let patternRows: Int, patternColumns: Int, count: Int
    public let mapShape: (rows: Int, columns: Int)?
    public let metadata: StackMetadata?
    let offset: Int, bytesPerPixel: Int
    let handle: FileHandle
    let lock = NSLock()

    init(
        path: String, rows: Int, columns: Int, offset: Int, bytesPerPixel: Int, count: Int, mapShape: (Int, Int)?,
        metadata: StackMetadata? = nil
    ) throws(PatternStackError) {
        self.path = path
        self.metadata = metadata
        patternRows = rows
        patternColumns = columns
        self.offset = offset
        self.bytesPerPixel = bytesPerPixel
        self.count = count
        self.mapShape = mapShape
        guard let h = FileHandle(forReadingAtPath: path) else { throw .cannotOpen(path: path, reason: "not readable") }
        handle = h
    }
    deinit { try? handle.close() }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        let n = patternRows * patternColumns
        let bytes = range.count * n * bytesPerPixel
        lock.lock()
        defer { lock.unlock() }
        let data: Data
        do {
            try handle.seek(toOffset: UInt64(offset + range.lowerBound * n * bytesPerPixel))
            data = try handle.read(upToCount: bytes) ?? Data()
        } catch { throw .malformed(path: path, pattern: range.lowerBound, message: "read failed: \(error)") }
        guard data.count == bytes else {
            throw .malformed(
                path: path, pattern: range.lowerBound + data.count / (n * bytesPerPixel), message: "file ends early (truncated?)")
        }
        var out = [Float](repeating: 0, count: range.count * n)
        data.withUnsafeBytes { b in
            if bytesPerPixel == 1 {
                for i in out.indices { out[i] = Float(b[i]) }
            } else {
                for i in out.indices { out[i] = Float(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            }
        }
        return out
    }
}
