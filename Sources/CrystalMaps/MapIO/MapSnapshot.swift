import Foundation
import Crystallography
import EBSDCore

#if canImport(Glibc)
    import Glibc
#endif

/// A crystal map kept exactly, as the pipeline keeps each step's map (`NN-step.ebsdmap`) to resume from: every
/// number as it is in memory (quaternions as four float64, properties float32), so a run resumed from the file
/// continues with the very map an uninterrupted run holds. Written and read at disk speed (16 M points: 0.7 GB).
///
/// File (little-endian): `EBSDMAP1`, the header's length (UInt64), the header (JSON: `grid`, `phases`, `metadata`,
/// `properties` — the property names in file order), then the phase indices (int32 per point), the rotations (a, b,
/// c, d per point) and each property (float32 per point), and a checksum (UInt64) of the header and each array.
/// The file is renamed into place whole but not flushed to the device (``AtomicFile``, not durable): a power cut may
/// damage it, which the checksum tells; the reader then refuses it and the pipeline recomputes the step.
public enum MapSnapshot {
    public static let fileExtension = "ebsdmap"
    static let magic = Array("EBSDMAP1".utf8)

    struct Header: Codable {
        var grid: MapGrid
        var phases: [MapPhase]
        var metadata: [String: String]
        var properties: [String]
    }

    /// Writes `map` to `path` (temporary file, then rename).
    public static func write(_ map: CrystalMap, to path: String) throws(MapFileError) {
        let names = map.properties.keys.sorted()
        let header: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            header = Array(try encoder.encode(Header(grid: map.grid, phases: map.phases, metadata: map.metadata, properties: names)))
        } catch { throw .writeFailed(path: path, reason: "the map's header cannot be encoded: \(error)") }
        precondition(MemoryLayout<Rotation>.stride == 32, "Rotation is a frozen quaternion of four Doubles")
        var sum = Checksum()
        do {
            try AtomicFile.write(to: path, durable: false) { put in
                var length = UInt64(header.count).littleEndian
                guard magic.withUnsafeBytes({ put($0) }), withUnsafeBytes(of: &length, { put($0) }) else { return }
                func section(_ raw: UnsafeRawBufferPointer) -> Bool {
                    sum.add(raw)
                    return put(raw)
                }
                guard header.withUnsafeBytes(section), map.phaseIndex.withUnsafeBytes(section),
                    map.rotations.withUnsafeBytes(section)
                else { return }
                for n in names { guard map.properties[n]!.withUnsafeBytes(section) else { return } }
                var total = sum.value.littleEndian
                _ = withUnsafeBytes(of: &total) { put($0) }
            }
        } catch { throw .writeFailed(path: path, reason: error.reason) }
    }

    /// Reads a map `write` wrote; a damaged or cut file is refused, naming what is wrong.
    public static func read(_ path: String) throws(MapFileError) -> CrystalMap {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        func readExactly(_ raw: UnsafeMutableRawBufferPointer) -> Bool {
            var offset = 0
            while offset < raw.count {
                let n = Glibc.read(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
        var prefix = [UInt8](repeating: 0, count: magic.count + 8)
        guard prefix.withUnsafeMutableBytes(readExactly), Array(prefix.prefix(magic.count)) == magic else {
            throw .malformed(path: path, line: nil, message: "not an exact map snapshot (expected the EBSDMAP1 signature)")
        }
        let length = prefix.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: magic.count, as: UInt64.self)) }
        guard length < 1 << 26 else { throw .malformed(path: path, line: nil, message: "a header of \(length) bytes is not a snapshot's") }
        var headerBytes = [UInt8](repeating: 0, count: Int(length))
        var sum = Checksum()
        guard headerBytes.withUnsafeMutableBytes(readExactly),
            let h = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)),
            h.grid.rows >= 0, h.grid.columns >= 0, h.grid.count < 1 << 40
        else { throw .malformed(path: path, line: nil, message: "the snapshot's header is cut or damaged") }
        headerBytes.withUnsafeBytes { sum.add($0) }
        let n = h.grid.count
        var st = stat()
        let expected = magic.count + 8 + Int(length) + n * (4 + 32 + 4 * h.properties.count) + 8
        guard fstat(fd, &st) == 0, Int(st.st_size) == expected else {
            throw .malformed(path: path, line: nil, message: "\(expected) bytes expected for \(h.grid.rows) × \(h.grid.columns) points, "
                + "the file has \(st.st_size): cut short (a run stopped while writing?)")
        }
        func array<T>(_ value: T) -> [T]? {
            var a = [T](repeating: value, count: n)
            let ok = a.withUnsafeMutableBytes { raw in
                guard readExactly(raw) else { return false }
                sum.add(UnsafeRawBufferPointer(raw))
                return true
            }
            return ok ? a : nil
        }
        guard let phaseIndex = array(Int32(0)), let rotations = array(Rotation.identity) else {
            throw .malformed(path: path, line: nil, message: "the snapshot's arrays are cut short")
        }
        var properties: [String: [Float]] = [:]
        for name in h.properties {
            guard let values = array(Float(0)) else { throw .malformed(path: path, line: nil, message: "property \(name) is cut short") }
            properties[name] = values
        }
        var stored: UInt64 = 0
        guard withUnsafeMutableBytes(of: &stored, readExactly), UInt64(littleEndian: stored) == sum.value else {
            throw .malformed(path: path, line: nil, message: "checksum mismatch: the snapshot is damaged (e.g. by a power cut)")
        }
        guard phaseIndex.allSatisfy({ $0 >= -1 && Int($0) < h.phases.count }) else {
            throw .malformed(path: path, line: nil, message: "a phase index beyond the \(h.phases.count) phases of the header")
        }
        return CrystalMap(
            grid: h.grid, phases: h.phases, phaseIndex: phaseIndex, rotations: rotations, properties: properties, metadata: h.metadata)
    }

    /// A checksum of a file's sections: each section's 64-bit words, weighted by position and summed in parallel
    /// blocks, then the blocks' sums folded in order (FNV-1a style). It catches cut, zeroed and shuffled data.
    struct Checksum {
        private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
        static let prime: UInt64 = 0x0000_0100_0000_01b3
        static let blockBytes = 1 << 20

        mutating func add(_ raw: UnsafeRawBufferPointer) {
            guard raw.count > 0, raw.baseAddress != nil else {
                value = value &* Self.prime  // an empty section still moves the checksum (as one zero block sum would)
                return
            }
            let blocks = (raw.count + Self.blockBytes - 1) / Self.blockBytes
            var sums = [UInt64](repeating: 0, count: blocks)
            sums.withUnsafeMutableBufferPointer { sb in
                let out = UncheckedPointer(sb.baseAddress!)
                let base = UncheckedPointer(readOnly: raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
                let count = raw.count
                parallelFor(blocks) { b in
                    let lo = b * Self.blockBytes, hi = min(count, lo + Self.blockBytes)
                    var s: UInt64 = UInt64(hi - lo)
                    let words = (hi - lo) / 8
                    let p = UnsafeRawPointer(base.p + lo)
                    for k in 0..<words { s &+= p.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self) &* UInt64(2 * k + 1) }
                    for k in (lo + 8 * words)..<hi { s &+= UInt64(base.p[k]) &* 0x9e37_79b9 }
                    out.p[b] = s
                }
            }
            for s in sums { value = (value ^ s) &* Self.prime }
            value = (value ^ UInt64(raw.count)) &* Self.prime
        }
    }
}
