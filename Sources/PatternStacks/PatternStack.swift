import Foundation
import EBSDImageIO
import EBSDHDF5

/// A pattern stack with its map shape: the patterns of a rows × columns scan
/// in scan order (row by row). Formats: multi-page TIFF (8/16-bit, float),
/// a folder of PNG/TIFF/BMP/JPEG images or one such image, NORDIF `Pattern.dat` (+ `Setting.txt`),
/// EDAX `.up1`/`.up2`, Oxford `.ebsp` (uncompressed), and the instrument HDF5 layouts of ``HDF5Layout``.
public struct PatternStack: Sendable {
    public let source: any PatternSource
    public let mapRows: Int
    public let mapColumns: Int
    /// Whether the map shape is known (the file states it or the caller gave it), not the 1 × count fallback.
    public let mapShapeKnown: Bool
    /// The scan step in µm (square grid): as given when opened, else the file's (instrument HDF5 files state it),
    /// else ``defaultStepMicrons``. Indexing makes its map grid with it.
    public package(set) var stepMicrons: Double
    /// Whether the step was given or the file states it, not the ``defaultStepMicrons`` fallback.
    public let stepKnown: Bool
    /// The scan step of a stack that states none (TIFF, image folders) when none is given: 1 µm.
    public static let defaultStepMicrons = 1.0

    public var path: String { source.path }
    public var patternRows: Int { source.patternRows }
    public var patternColumns: Int { source.patternColumns }
    public var patternSize: Int { source.patternRows * source.patternColumns }
    public var count: Int { source.count }
    /// What the file states about the acquisition (instrument HDF5 files), or nil.
    public var metadata: StackMetadata? { source.metadata }

    /// Opens any supported stack; `mapShape` overrides (or supplies) the map shape, `stepMicrons` the scan step.
    /// Instrument HDF5 files (`.h5oina`, `.h5`, `.oh5`, `.hdf5`, `.h5ebsd`) take `scan` (default: the first); folders of
    /// images place their files by `naming` (default: the automatic rules of ``ImageFolderLayout``).
    public static func open(
        _ path: String, mapShape: (rows: Int, columns: Int)? = nil, scan: String? = nil, stepMicrons: Double? = nil,
        naming: ImageFolderNaming = ImageFolderNaming()
    ) throws(PatternStackError)
        -> PatternStack
    {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw .cannotOpen(path: path, reason: "no such file or folder")
        }
        let source: any PatternSource
        if isDir.boolValue {
            if FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("Pattern.dat")) {
                source = try NordifSource((path as NSString).appendingPathComponent("Pattern.dat"))
            } else {
                source = try ImageFolderSource(path, naming: naming)
            }
        } else {
            switch (path as NSString).pathExtension.lowercased() {
            case "tif", "tiff": source = try TIFFStackSource(path)
            case "dat": source = try NordifSource(path)
            case "up1", "up2": source = try EdaxUPSource(path)
            case "ebsp": source = try OxfordEbspSource(path)
            case "h5", "hdf5", "h5oina", "oh5", "h5ebsd", "edaxh5": source = try HDF5Layout.openStack(path, scan: scan)
            case let e where SingleImageSource.extensions.contains(e): source = try SingleImageSource(path)
            default:
                throw .cannotOpen(
                    path: path,
                    reason: "unknown pattern format (expected .tif, .dat, .up1, .up2, .ebsp, .h5oina, .h5, .oh5, one .png/.bmp/.jpg "
                        + "image or a folder of images)")
            }
        }
        return try PatternStack(source: source, mapShape: mapShape, stepMicrons: stepMicrons)
    }

    /// The stack of `source`, its map shape (given, else the source's, else 1 × count) and scan step (given, else the
    /// source's `stepX`, else ``defaultStepMicrons``).
    public init(
        source: any PatternSource, mapShape: (rows: Int, columns: Int)? = nil, stepMicrons: Double? = nil
    ) throws(PatternStackError) {
        self.source = source
        let step = stepMicrons ?? source.metadata?.stepX
        if let step, !(step.isFinite && step > 0) {
            throw .shapeMismatch(path: source.path, message: "the scan step must be a positive number of µm (got \(step))")
        }
        self.stepMicrons = step ?? Self.defaultStepMicrons
        stepKnown = step != nil
        if let given = mapShape, let stated = source.mapShape, given != stated {
            throw .shapeMismatch(
                path: source.path,
                message: "the file states a map of \(stated.rows) × \(stated.columns) points (\(source.count) patterns), but "
                    + "\(given.rows) × \(given.columns) was given")
        }
        let shape = mapShape ?? source.mapShape ?? (1, source.count)
        guard shape.rows > 0, shape.columns > 0 else { throw .shapeMismatch(path: source.path, message: "map shape must be positive") }
        guard shape.rows * shape.columns == source.count else {
            throw .shapeMismatch(
                path: source.path,
                message:
                    "the file holds \(source.count) patterns, but the map shape \(shape.rows) × \(shape.columns) needs "
                    + "\(shape.rows * shape.columns)"
            )
        }
        mapRows = shape.rows
        mapColumns = shape.columns
        mapShapeKnown = mapShape != nil || source.mapShape != nil
    }

    /// Reads patterns `range`.
    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw .malformed(path: path, pattern: range.upperBound - 1, message: "out of range (stack has \(count) patterns)")
        }
        return try source.read(range)
    }

    /// The patterns of map pixels `pixels` (ascending), concatenated; contiguous runs are read
    /// together rather than one by one.
    public func read(pixels: [Int]) throws(PatternStackError) -> [Float] {
        var raw: [Float] = []
        raw.reserveCapacity(pixels.count * patternSize)
        var k = 0
        while k < pixels.count {
            var e = k + 1
            while e < pixels.count && pixels[e] == pixels[e - 1] + 1 { e += 1 }
            raw += try read(pixels[k]..<(pixels[e - 1] + 1))
            k = e
        }
        return raw
    }

    /// The bytes of raw patterns a streamed pass reads at a time unless told otherwise: memory stays flat whatever
    /// the pattern size (60 px: 2 330 patterns a chunk; 480 px: 36).
    public static let defaultChunkBytes = 32 << 20

    /// How many patterns of this stack fit in `bytes` as floats (at least 1).
    public func patterns(fitting bytes: Int) -> Int { max(1, bytes / max(1, patternSize * MemoryLayout<Float>.size)) }

    /// How many whole map rows of this stack fit in `bytes` as floats (at least 1).
    public func mapRows(fitting bytes: Int) -> Int { max(1, patterns(fitting: bytes) / max(1, mapColumns)) }

    /// Calls `body` with consecutive chunks of patterns taking at most `bytes` as floats (at least one pattern).
    public func forEachChunk(bytes: Int, _ body: (Range<Int>, [Float]) throws -> Void) throws {
        try forEachChunk(size: patterns(fitting: bytes), body)
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
    public func meanPattern(chunkBytes: Int = PatternStack.defaultChunkBytes) throws -> [Float] {
        var sum = [Double](repeating: 0, count: patternSize)
        try forEachChunk(bytes: chunkBytes) { r, data in
            for k in 0..<r.count { for i in 0..<patternSize { sum[i] += Double(data[k * patternSize + i]) } }
        }
        return sum.map { Float($0 / Double(max(1, count))) }
    }

    /// Writes patterns through a streaming multi-page TIFF writer.
    public static func writeTIFF(
        _ path: String, rows: Int, columns: Int, mapShape: (Int, Int), type: TIFFSampleType = .float32,
        patterns: (Int) throws -> [Float]
    ) throws {
        let n = mapShape.0 * mapShape.1
        let desc = "{\"shape\": [\(n), \(rows), \(columns)], \"map_shape\": [\(mapShape.0), \(mapShape.1)]}"
        let w = try TIFFPageWriter(path, width: columns, height: rows, type: type, description: desc)
        for k in 0..<n { try w.append(try patterns(k)) }
        try w.finish()
    }
}

func fileSize(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
