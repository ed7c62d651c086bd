import Foundation
import EBSDCore
import EBSDNumerics
import Crystallography
import PatternSimulation

/// A dictionary of prepared simulated patterns kept on disk, so that a second
/// run with the same master pattern, detector, signal and orientation sample
/// reads the dictionary instead of simulating it.
///
/// File: the text `EBSDDICT2`, a newline and a JSON header padded with spaces
/// to 4096 bytes (`{"key": …, "count": …, "length": …, "precision": …}`), then
/// - `float32`: `count × length` little-endian float32 (each row a prepared pattern: masked, zero mean, unit norm);
/// - `int8`: the rows quantised and packed as ``Int8Panels`` (`ceil(count/32) · 32 · paddedLength` bytes), then
///   `count` little-endian float32 scales — a quarter of the float32 file.
///
/// The key is an FNV-1a hash of the orientation sample and of the first and last four prepared patterns —
/// whatever changes the dictionary (master pattern, detector, PC, mask, blur, sample) changes it. A file whose
/// key, precision, size or header does not match (a float32 file read by an int8 run, or the reverse, or the
/// `EBSDDICT1` files of earlier versions) is ignored and replaced; a new file is written to a temporary name and
/// renamed when complete.
public struct DictionaryCache: Sendable {
    public let path: String
    public static let headerBytes = 4096
    static let magic = "EBSDDICT2\n"
    public init(path: String) { self.path = path }

    struct Header: Codable, Equatable {
        var key: String
        var count: Int
        var length: Int
        var precision: String
    }

    /// Bytes after the header of a dictionary of `count` rows of `length` values in `precision`.
    static func bodyBytes(count: Int, length: Int, precision: MatchPrecision) -> Int {
        switch precision {
        case .int8:
            return Int8Panels.byteCount(rows: count, paddedLength: QuantizedRows.paddedLength(length)) + count * MemoryLayout<Float>.size
        case .float32, .automatic: return count * length * MemoryLayout<Float>.size
        }
    }

    /// The cache key of an indexer's dictionary.
    public static func key(_ indexer: DictionaryIndexer) -> String {
        var h = FNV1a.offsetBasis
        func mix(_ bytes: UnsafeRawBufferPointer) { h = FNV1a.hash(bytes: bytes, seed: h) }
        let rs = indexer.rotations
        var qs = [Double]()
        qs.reserveCapacity(4 * rs.count)
        for r in rs { qs += [r.q.a, r.q.b, r.q.c, r.q.d] }
        qs.withUnsafeBytes(mix)
        let probe = Array(rs.prefix(4)) + Array(rs.suffix(4))
        var pats = [Float](repeating: 0, count: probe.count * indexer.signal.length)
        pats.withUnsafeMutableBufferPointer { indexer.signal.prepareSimulated(indexer.projector, probe[...], into: $0.baseAddress!) }
        pats.withUnsafeBytes(mix)
        withUnsafeBytes(of: indexer.signal.length) { mix($0) }
        return String(h, radix: 16)
    }

    /// The header a file of this dictionary in this precision carries.
    static func header(key: String, count: Int, length: Int, precision: MatchPrecision) -> Header {
        Header(key: key, count: count, length: length, precision: precision.rawValue)
    }

    /// An open reader positioned after the header if the file holds exactly this dictionary, else nil.
    func reader(_ expected: Header, precision: MatchPrecision) -> FileHandle? {
        guard let fh = FileHandle(forReadingAtPath: path) else { return nil }
        guard let head = try? fh.read(upToCount: Self.headerBytes), head.count == Self.headerBytes,
            let text = String(data: head, encoding: .utf8), text.hasPrefix(Self.magic),
            let h = try? JSONDecoder().decode(
                Header.self, from: Data(text.dropFirst(Self.magic.count).trimmingCharacters(in: .whitespaces).utf8)),
            h == expected,
            let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int,
            size == Self.headerBytes + Self.bodyBytes(count: h.count, length: h.length, precision: precision)
        else {
            try? fh.close()
            return nil
        }
        return fh
    }

    /// The scales at the end of an int8 file (the reader stays positioned after the header).
    func int8Scales(_ fh: FileHandle, count: Int, length: Int) -> [Float]? {
        let start = UInt64(Self.headerBytes + Int8Panels.byteCount(rows: count, paddedLength: QuantizedRows.paddedLength(length)))
        guard (try? fh.seek(toOffset: start)) != nil, let data = try? fh.read(upToCount: count * 4), data.count == count * 4,
            (try? fh.seek(toOffset: UInt64(Self.headerBytes))) != nil
        else { return nil }
        let scales = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return scales.allSatisfy({ $0.isFinite && $0 > 0 }) ? scales : nil
    }

    /// A writer of a new file (temporary name) with the header written.
    func writer(_ header: Header) -> (FileHandle, String)? {
        let tmp = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let fh = FileHandle(forWritingAtPath: tmp) else { return nil }
        var text = Self.magic + String(decoding: (try? JSONEncoder().encode(header)) ?? Data(), as: UTF8.self)
        text += String(repeating: " ", count: max(0, Self.headerBytes - text.utf8.count))
        do { try fh.write(contentsOf: Data(text.utf8)) } catch {
            try? fh.close()
            try? FileManager.default.removeItem(atPath: tmp)
            return nil
        }
        return (fh, tmp)
    }

    /// Closes a complete temporary file and renames it over ``path``.
    func finish(_ fh: FileHandle, temporary: String) {
        try? fh.close()
        _ = try? FileManager.default.removeItem(atPath: path)
        if (try? FileManager.default.moveItem(atPath: temporary, toPath: path)) == nil {
            try? FileManager.default.removeItem(atPath: temporary)
        }
    }
}
