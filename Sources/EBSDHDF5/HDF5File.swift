import CHDF5Shims
import Foundation

/// An HDF5 file opened through libhdf5 (Debian's serial build, which is not thread-safe: every
/// call into the library holds ``HDF5File/libraryLock``). Paths inside the file are written
/// without a leading slash ("1/EBSD/Data/Euler"). Numbers are converted by libhdf5 from the
/// stored type and byte order (EDAX's big-endian values included) to the type asked for.
///
/// The file closes when the last reference goes.
public final class HDF5File: @unchecked Sendable {
    /// Serialises every call into libhdf5 in this process.
    public static let libraryLock = NSRecursiveLock()
    /// The HDF5 filter id of LZF (h5py's), which AZtec 6.0–6.2 use for pattern datasets.
    public static let lzfFilter = 32000

    public let path: String
    private(set) var id: Int64

    /// The shape and element type of a dataset.
    public struct DatasetInfo: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case integer, float, string, other }
        public var shape: [Int]
        public var kind: Kind
        /// Element size in bytes.
        public var size: Int
        public var isSigned: Bool
        /// Elements in all (saturating: a damaged header cannot overflow it).
        public var count: Int { shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 } }
        /// A short name such as uint8, int16, float32.
        public var typeName: String {
            switch kind {
            case .integer: return (isSigned ? "int" : "uint") + "\(8 * size)"
            case .float: return "float\(8 * size)"
            case .string: return "string"
            case .other: return "other"
            }
        }
    }

    /// Opens `path` read-only.
    public init(_ path: String) throws(HDF5Error) {
        guard FileManager.default.fileExists(atPath: path) else { throw .cannotOpen(path: path, reason: "no such file") }
        try HDF5Probe.check(path)
        let id = Self.locked { ebsd_h5_open(path) }
        guard id >= 0 else { throw .cannotOpen(path: path, reason: "not an HDF5 file (or truncated)") }
        self.path = path
        self.id = id
    }

    init(path: String, id: Int64) {
        self.path = path
        self.id = id
    }

    /// Creates (or truncates) `path` for writing.
    public static func create(_ path: String) throws(HDF5Error) -> HDF5File {
        let id = locked { ebsd_h5_create(path) }
        guard id >= 0 else { throw .cannotOpen(path: path, reason: "cannot create an HDF5 file there") }
        return HDF5File(path: path, id: id)
    }

    /// A file built in memory only (libhdf5's core driver, no backing store): nothing reaches the disk until
    /// ``image()``'s bytes are written by the caller, so a full or read-only device never fails inside libhdf5.
    public static func createInMemory(name: String) throws(HDF5Error) -> HDF5File {
        let id = locked { ebsd_h5_create_in_memory(name) }
        guard id >= 0 else { throw .cannotOpen(path: name, reason: "cannot create an HDF5 file in memory") }
        return HDF5File(path: name, id: id)
    }

    /// The whole file as bytes (everything written so far, flushed).
    public func image() throws(HDF5Error) -> Data {
        let size = Self.locked { ebsd_h5_image(id, nil, 0) }
        guard size > 0 else { throw .malformed(path: path, object: "/", message: "libhdf5 could not make the file image") }
        var data = Data(count: Int(size))
        let copied = data.withUnsafeMutableBytes { raw in Self.locked { ebsd_h5_image(id, raw.baseAddress, UInt64(size)) } }
        guard copied == size else { throw .malformed(path: path, object: "/", message: "libhdf5 could not copy the file image") }
        return data
    }

    deinit { close() }

    /// Closes the file now (everything written is flushed); later calls on it fail.
    public func close() {
        Self.locked {
            if id >= 0 { ebsd_h5_close(id) }
            id = -1
        }
    }

    static func locked<T>(_ body: () -> T) -> T {
        libraryLock.lock()
        defer { libraryLock.unlock() }
        return body()
    }

    /// True when `object` exists (as a group or dataset).
    public func exists(_ object: String) -> Bool { Self.locked { ebsd_h5_exists(id, object) } == 1 }
    public func isGroup(_ object: String) -> Bool { Self.locked { ebsd_h5_kind(id, object) } == 1 }
    public func isDataset(_ object: String) -> Bool { Self.locked { ebsd_h5_kind(id, object) } == 2 }

    /// Names of the members of group `object` (empty for the root: pass "/").
    public func members(_ object: String) -> [String] {
        let cap = 1 << 16
        var buf = [CChar](repeating: 0, count: cap)
        let n = Self.locked { ebsd_h5_members(id, object, &buf, cap) }
        guard n > 0 else { return [] }
        let text = buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return text.split(separator: "\n").map(String.init)
    }

    /// The shape and type of dataset `object`.
    public func info(_ object: String) throws(HDF5Error) -> DatasetInfo {
        guard isDataset(object) else { throw .missing(path: path, object: object) }
        var rank: Int32 = 0, cls: Int32 = 0, size: Int32 = 0, signed: Int32 = 0
        var dims = [UInt64](repeating: 0, count: 8)
        let r = Self.locked { ebsd_h5_dataset_info(id, object, &rank, &dims, &cls, &size, &signed) }
        guard r == 0 else { throw .malformed(path: path, object: object, message: "unreadable dataset header") }
        let kind: DatasetInfo.Kind = [.integer, .float, .string, .other][Int(min(3, max(0, cls)))]
        return DatasetInfo(shape: dims.prefix(Int(rank)).map { Int(clamping: $0) }, kind: kind, size: Int(size), isSigned: signed != 0)
    }

    /// The filter a dataset needs that this process cannot load (e.g. 32000 = LZF), or nil.
    public func missingFilter(_ object: String) -> Int? {
        var f: Int32 = 0
        return Self.locked { ebsd_h5_missing_filter(id, object, &f) } == 1 ? Int(f) : nil
    }

    /// All values of numeric dataset `object`, converted to Double (row-major).
    public func doubles(_ object: String, maximumCount: Int = 1 << 26) throws(HDF5Error) -> [Double] {
        let i = try info(object)
        guard i.kind == .integer || i.kind == .float else {
            throw .malformed(path: path, object: object, message: "expected numbers, found \(i.typeName)")
        }
        guard i.count <= maximumCount else {
            throw .malformed(path: path, object: object, message: "\(i.count) values is more than expected")
        }
        try checkStorage(object, info: i)
        var out = [Double](repeating: 0, count: i.count)
        let r = Self.locked { ebsd_h5_read_double(id, object, &out, i.count) }
        guard r == 0 else { throw .malformed(path: path, object: object, message: "cannot read its \(i.count) values") }
        return out
    }

    /// Compression beyond this ratio is taken for a header that claims more data than the file holds.
    static let maximumCompressionRatio = 1000
    /// Declared sizes up to this are read whatever the storage (small datasets, fill values).
    static let smallDatasetBytes = 1 << 20

    /// Refuses a dataset whose declared size is far beyond what the file stores for it (a damaged or hostile
    /// header would otherwise make the reader allocate it).
    /// A chunk larger than this is taken for a damaged header (libhdf5 would allocate it whole to read).
    static let maximumChunkBytes = 1 << 28

    public func checkStorage(_ object: String, info i: DatasetInfo) throws(HDF5Error) {
        var chunk = [UInt64](repeating: 0, count: 8)
        let layout = Self.locked { ebsd_h5_chunk_shape(id, object, &chunk) }
        if layout == 1 {
            // contiguous or compact: libhdf5 copies the declared bytes from what is stored
            let (declared, overflow) = i.count.multipliedReportingOverflow(by: max(1, i.size))
            let stored = Int(Self.locked { ebsd_h5_storage_size(id, object) })
            // (a real file writes its datasets: nothing stored for a non-empty one is a damaged layout)
            guard !overflow, declared == 0 || stored >= declared else {
                throw .malformed(
                    path: path, object: object, message: "stores \(stored) bytes for the \(overflow ? Int.max : declared) it declares")
            }
        }
        if layout == 0 {
            let dims = chunk.prefix(i.shape.count)
            var bytes = max(1, i.size)
            for d in dims {
                let (p, o) = bytes.multipliedReportingOverflow(by: Int(clamping: d))
                guard !o, p <= Self.maximumChunkBytes else {
                    throw .malformed(path: path, object: object, message: "chunks of \(Array(dims)) elements are not plausible")
                }
                bytes = p
            }
        }
        let (declared, overflow) = i.count.multipliedReportingOverflow(by: max(1, i.size))
        guard !overflow else { throw .malformed(path: path, object: object, message: "declares more data than can be addressed") }
        guard declared > Self.smallDatasetBytes else { return }
        let stored = Int(Self.locked { ebsd_h5_storage_size(id, object) })
        guard stored >= 0, declared <= max(stored, 1) * Self.maximumCompressionRatio else {
            throw .malformed(path: path, object: object, message: "declares \(declared) bytes but the file stores \(max(0, stored))")
        }
    }

    /// The first value of numeric dataset `object`.
    public func double(_ object: String) throws(HDF5Error) -> Double {
        let v = try doubles(object)
        guard let first = v.first else { throw .malformed(path: path, object: object, message: "empty") }
        return first
    }

    /// Rows [start, start + count) of the first dimension of `object`, all other dimensions, as Float.
    public func rows(_ object: String, start: Int, count: Int, rowSize: Int) throws(HDF5Error) -> [Float] {
        var out = [Float](repeating: 0, count: count * rowSize)
        let r = Self.locked { ebsd_h5_read_rows_float(id, object, UInt64(start), UInt64(count), &out) }
        guard r == 0 else {
            if let f = missingFilter(object) {
                let hint = f == Self.lzfFilter ? " (LZF: install Debian's hdf5-plugin-lzf and liblzf1)" : ""
                throw .malformed(path: path, object: object, message: "compressed with HDF5 filter \(f), which is not available\(hint)")
            }
            throw .malformed(path: path, object: object, message: "cannot read rows \(start)..<\(start + count)")
        }
        return out
    }

    /// String dataset `object` (fixed or variable length; numbers as text), trimmed of NULs and spaces.
    public func string(_ object: String) throws(HDF5Error) -> String {
        guard isDataset(object) else { throw .missing(path: path, object: object) }
        try checkStorage(object, info: try info(object))
        var buf = [CChar](repeating: 0, count: 4096)
        guard Self.locked({ ebsd_h5_read_string(id, object, &buf, buf.count) }) == 0 else {
            throw .malformed(path: path, object: object, message: "expected text")
        }
        return buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Attribute `name` of `object` as text (numbers as text), or nil.
    public func attribute(_ name: String, of object: String) -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        guard Self.locked({ ebsd_h5_read_attr_string(id, object, name, &buf, buf.count) }) == 0 else { return nil }
        return buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: writing

    /// How numbers are stored by ``write(_:shape:as:to:)``.
    public enum StoredType: Int32, Sendable { case uint8 = 0, int32 = 1, float32 = 2, float64 = 3, uint16 = 4 }

    /// Writes numbers of `shape` (empty: a scalar) as `type` to dataset `object` (parent groups created).
    public func write(_ values: [Double], shape: [Int], as type: StoredType, to object: String) throws(HDF5Error) {
        let dims = shape.map { UInt64($0) }
        guard values.count == shape.reduce(1, *) else { throw .writeFailed(path: path, object: object) }
        guard Self.locked({ ebsd_h5_write_double(id, object, Int32(dims.count), dims, type.rawValue, values) }) == 0 else {
            throw .writeFailed(path: path, object: object)
        }
    }

    /// Writes a string dataset.
    public func write(_ text: String, to object: String) throws(HDF5Error) {
        guard Self.locked({ ebsd_h5_write_string(id, object, text) }) == 0 else { throw .writeFailed(path: path, object: object) }
    }

    /// Creates a group (parents included).
    public func createGroup(_ object: String) throws(HDF5Error) {
        guard Self.locked({ ebsd_h5_create_group(id, object) }) == 0 else { throw .writeFailed(path: path, object: object) }
    }

    /// Creates a chunked (n, rows, columns) pattern dataset stored as `type`, `chunk` patterns per chunk.
    public func createPatterns(_ object: String, count: Int, rows: Int, columns: Int, as type: StoredType, chunk: Int) throws(HDF5Error) {
        let r = Self.locked {
            ebsd_h5_create_patterns(id, object, UInt64(count), UInt64(rows), UInt64(columns), type.rawValue, UInt64(chunk))
        }
        guard r == 0 else { throw .writeFailed(path: path, object: object) }
    }

    /// Writes patterns [start, start + n) of a pattern dataset (values converted to its stored type).
    public func writeRows(_ object: String, start: Int, count: Int, values: [Float]) throws(HDF5Error) {
        guard Self.locked({ ebsd_h5_write_rows_float(id, object, UInt64(start), UInt64(count), values) }) == 0 else {
            throw .writeFailed(path: path, object: object)
        }
    }

    /// Writes a 1-D boolean dataset (an int8 enum FALSE/TRUE, as h5py writes numpy booleans).
    public func write(_ flags: [Bool], to object: String) throws(HDF5Error) {
        let bytes = flags.map { Int8($0 ? 1 : 0) }
        guard Self.locked({ ebsd_h5_write_bool(id, object, UInt64(bytes.count), bytes) }) == 0 else {
            throw .writeFailed(path: path, object: object)
        }
    }
}
