import Foundation
import EBSDCore
import Crystallography
import PatternSimulation

/// A dictionary of prepared simulated patterns kept on disk, so that a second
/// run with the same master pattern, detector, signal and orientation sample
/// reads the dictionary instead of simulating it.
///
/// File: the text `EBSDDICT1`, a newline and a JSON header padded with spaces
/// to 4096 bytes (`{"key": …, "count": …, "length": …}`), then `count ×
/// length` little-endian float32 (each row a prepared pattern: masked, zero
/// mean, unit norm). The key is an FNV-1a hash of the orientation sample and
/// of the first and last four prepared patterns — whatever changes the
/// dictionary (master pattern, detector, PC, mask, blur, sample) changes it.
/// A file whose key, size or header does not match is ignored and replaced;
/// a new file is written to a temporary name and renamed when complete.
public struct DictionaryCache: Sendable {
    public let path: String
    public static let headerBytes = 4096
    public init(path: String) { self.path = path }

    struct Header: Codable {
        var key: String
        var count: Int
        var length: Int
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

    /// An open reader if the file holds exactly this dictionary, else nil.
    func reader(key: String, count: Int, length: Int) -> FileHandle? {
        guard let fh = FileHandle(forReadingAtPath: path) else { return nil }
        guard let head = try? fh.read(upToCount: Self.headerBytes), head.count == Self.headerBytes,
            let text = String(data: head, encoding: .utf8), text.hasPrefix("EBSDDICT1\n"),
            let h = try? JSONDecoder().decode(Header.self, from: Data(text.dropFirst(10).trimmingCharacters(in: .whitespaces).utf8)),
            h.key == key, h.count == count, h.length == length,
            let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int,
            size == Self.headerBytes + count * length * 4
        else {
            try? fh.close()
            return nil
        }
        return fh
    }

    /// A writer of a new file (temporary name) with the header written.
    func writer(key: String, count: Int, length: Int) -> (FileHandle, String)? {
        let tmp = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let fh = FileHandle(forWritingAtPath: tmp) else { return nil }
        var text =
            "EBSDDICT1\n"
            + String(decoding: (try? JSONEncoder().encode(Header(key: key, count: count, length: length))) ?? Data(), as: UTF8.self)
        text += String(repeating: " ", count: max(0, Self.headerBytes - text.utf8.count))
        do { try fh.write(contentsOf: Data(text.utf8)) } catch {
            try? fh.close()
            try? FileManager.default.removeItem(atPath: tmp)
            return nil
        }
        return (fh, tmp)
    }
}
