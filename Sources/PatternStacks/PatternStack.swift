import Foundation
import EBSDImageIO

/// Errors of the pattern-stack readers, naming the file and, where known,
/// the pattern (0-based, scan order) or the image.
public enum PatternStackError: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case malformed(path: String, pattern: Int?, message: String)
    case shapeMismatch(path: String, message: String)
    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "\(p): cannot open: \(r)"
        case .malformed(let p, let k, let m): return k.map { "\(p): pattern \($0): \(m)" } ?? "\(p): \(m)"
        case .shapeMismatch(let p, let m): return "\(p): \(m)"
        }
    }
}

/// A file (or folder) of EBSD patterns read on demand, so memory stays
/// flat however large the stack: only the requested range is read.
public protocol PatternSource: Sendable {
    var path: String { get }
    var patternRows: Int { get }
    var patternColumns: Int { get }
    /// Number of patterns in the file.
    var count: Int { get }
    /// The map shape (rows, columns) if the file states it.
    var mapShape: (rows: Int, columns: Int)? { get }
    /// Patterns `range` (scan order) as Float32, row-major, one after another.
    func read(_ range: Range<Int>) throws(PatternStackError) -> [Float]
}

/// A pattern stack with its map shape: the patterns of a rows × columns scan
/// in scan order (row by row). Formats: multi-page TIFF (8/16-bit, float),
/// a folder of PNG/TIFF/BMP images, NORDIF `Pattern.dat` (+ `Setting.txt`),
/// EDAX `.up1`/`.up2`, Oxford `.ebsp` (uncompressed).
public struct PatternStack: Sendable {
    public let source: any PatternSource
    public let mapRows: Int
    public let mapColumns: Int

    public var path: String { source.path }
    public var patternRows: Int { source.patternRows }
    public var patternColumns: Int { source.patternColumns }
    public var patternSize: Int { source.patternRows * source.patternColumns }
    public var count: Int { source.count }

    /// Opens any supported stack; `mapShape` overrides (or supplies) the map shape.
    public static func open(_ path: String, mapShape: (rows: Int, columns: Int)? = nil) throws(PatternStackError) -> PatternStack {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw .cannotOpen(path: path, reason: "no such file or folder") }
        let source: any PatternSource
        if isDir.boolValue {
            if FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("Pattern.dat")) {
                source = try NordifSource((path as NSString).appendingPathComponent("Pattern.dat"))
            } else {
                source = try ImageFolderSource(path)
            }
        } else {
            switch (path as NSString).pathExtension.lowercased() {
            case "tif", "tiff": source = try TIFFStackSource(path)
            case "dat": source = try NordifSource(path)
            case "up1", "up2": source = try EdaxUPSource(path)
            case "ebsp": source = try OxfordEbspSource(path)
            default: throw .cannotOpen(path: path, reason: "unknown pattern format (expected .tif, .dat, .up1, .up2, .ebsp or a folder of images)")
            }
        }
        return try PatternStack(source: source, mapShape: mapShape)
    }

    public init(source: any PatternSource, mapShape: (rows: Int, columns: Int)? = nil) throws(PatternStackError) {
        self.source = source
        let shape = mapShape ?? source.mapShape ?? (1, source.count)
        guard shape.rows > 0, shape.columns > 0 else { throw .shapeMismatch(path: source.path, message: "map shape must be positive") }
        guard shape.rows * shape.columns == source.count else {
            throw .shapeMismatch(path: source.path, message: "the file holds \(source.count) patterns, but the map shape \(shape.rows) × \(shape.columns) needs \(shape.rows * shape.columns)")
        }
        mapRows = shape.rows; mapColumns = shape.columns
    }

    /// Reads patterns `range`.
    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw .malformed(path: path, pattern: range.upperBound - 1, message: "out of range (stack has \(count) patterns)")
        }
        return try source.read(range)
    }

    /// Calls `body` with consecutive chunks of at most `chunk` patterns: the
    /// way to stream a stack of any size in constant memory.
    public func forEachChunk(size chunk: Int, _ body: (Range<Int>, [Float]) throws -> Void) throws {
        var start = 0
        while start < count {
            let r = start..<min(count, start + max(1, chunk))
            try body(r, try read(r))
            start = r.upperBound
        }
    }

    /// Pixel-wise mean of all patterns (streamed), e.g. as a static background.
    public func meanPattern(chunk: Int = 256) throws -> [Float] {
        var sum = [Double](repeating: 0, count: patternSize)
        try forEachChunk(size: chunk) { r, data in
            for k in 0..<r.count { for i in 0..<patternSize { sum[i] += Double(data[k * patternSize + i]) } }
        }
        return sum.map { Float($0 / Double(max(1, count))) }
    }

    /// Writes patterns through a streaming multi-page TIFF writer.
    public static func writeTIFF(_ path: String, rows: Int, columns: Int, mapShape: (Int, Int), type: TIFFSampleType = .float32,
                                 patterns: (Int) throws -> [Float]) throws {
        let n = mapShape.0 * mapShape.1
        let desc = "{\"shape\": [\(n), \(rows), \(columns)], \"map_shape\": [\(mapShape.0), \(mapShape.1)]}"
        let w = try TIFFPageWriter(path, width: columns, height: rows, type: type, description: desc)
        for k in 0..<n { try w.append(try patterns(k)) }
        try w.finish()
    }
}

/// A multi-page TIFF stack. The map shape is taken from a JSON
/// ImageDescription with "map_shape" (as this library writes) when present.
public final class TIFFStackSource: PatternSource, @unchecked Sendable {
    public let path: String
    let tiff: TIFFReader
    public let mapShape: (rows: Int, columns: Int)?
    public var patternRows: Int { tiff.height }
    public var patternColumns: Int { tiff.width }
    public var count: Int { tiff.pageCount }

    public init(_ path: String) throws(PatternStackError) {
        self.path = path
        do { tiff = try TIFFReader(path) } catch { throw .cannotOpen(path: path, reason: "\(error)") }
        var shape: (Int, Int)?
        if let d = tiff.description, let obj = try? JSONSerialization.jsonObject(with: Data(d.utf8)) as? [String: Any],
           let ms = obj["map_shape"] as? [Int], ms.count == 2 { shape = (ms[0], ms[1]) }
        mapShape = shape
    }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(range.count * patternRows * patternColumns)
        for k in range {
            do { out += try tiff.page(k) } catch { throw .malformed(path: path, pattern: k, message: "\(error)") }
        }
        return out
    }
}

/// Fixed-size raw records (uint8 or little-endian uint16) after a header,
/// read with seeks: the layout of NORDIF `Pattern.dat` and EDAX `.up1/.up2`.
public final class RawRecordSource: PatternSource, @unchecked Sendable {
    public let path: String
    public let patternRows: Int, patternColumns: Int, count: Int
    public let mapShape: (rows: Int, columns: Int)?
    let offset: Int, bytesPerPixel: Int
    let handle: FileHandle
    let lock = NSLock()

    init(path: String, rows: Int, columns: Int, offset: Int, bytesPerPixel: Int, count: Int, mapShape: (Int, Int)?) throws(PatternStackError) {
        self.path = path; patternRows = rows; patternColumns = columns; self.offset = offset
        self.bytesPerPixel = bytesPerPixel; self.count = count; self.mapShape = mapShape
        guard let h = FileHandle(forReadingAtPath: path) else { throw .cannotOpen(path: path, reason: "not readable") }
        handle = h
    }
    deinit { try? handle.close() }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        let n = patternRows * patternColumns
        let bytes = range.count * n * bytesPerPixel
        lock.lock(); defer { lock.unlock() }
        let data: Data
        do {
            try handle.seek(toOffset: UInt64(offset + range.lowerBound * n * bytesPerPixel))
            data = try handle.read(upToCount: bytes) ?? Data()
        } catch { throw .malformed(path: path, pattern: range.lowerBound, message: "read failed: \(error)") }
        guard data.count == bytes else {
            throw .malformed(path: path, pattern: range.lowerBound + data.count / (n * bytesPerPixel), message: "file ends early (truncated?)")
        }
        var out = [Float](repeating: 0, count: range.count * n)
        data.withUnsafeBytes { b in
            if bytesPerPixel == 1 { for i in out.indices { out[i] = Float(b[i]) } }
            else { for i in out.indices { out[i] = Float(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) } }
        }
        return out
    }
}

func fileSize(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
