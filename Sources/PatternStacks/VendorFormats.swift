import Foundation
import EBSDImageIO

/// NORDIF `Pattern.dat`: raw uint8 patterns, no header, scan order; pattern
/// size from `[Acquisition settings] Resolution WxH` and map shape from
/// `[Area] Number of samples WxH` in the `Setting.txt` beside it.
public func NordifSource(_ path: String) throws(PatternStackError) -> RawRecordSource {
    let settings = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("Setting.txt")
    guard let data = FileManager.default.contents(atPath: settings) else {
        throw .cannotOpen(path: settings, reason: "NORDIF Setting.txt not found beside \(path)")
    }
    let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r", with: "")
    var section = ""
    var resolution: (Int, Int)?, samples: (Int, Int)?
    func pair(_ s: String) -> (Int, Int)? {
        let p = s.split(separator: "x").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return p.count == 2 ? (p[0], p[1]) : nil
    }
    for line in text.split(separator: "\n") {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let key = f.first, !key.isEmpty else { continue }
        if key.hasPrefix("[") { section = key; continue }
        if section == "[Acquisition settings]" && key == "Resolution" && f.count > 1 { resolution = pair(f[1]) }
        if section == "[Area]" && key == "Number of samples" && f.count > 1 { samples = pair(f[1]) }
    }
    guard let res = resolution else { throw .malformed(path: settings, pattern: nil, message: "no '[Acquisition settings] Resolution WxH' line") }
    guard (1...8192).contains(res.0), (1...8192).contains(res.1) else {
        throw .malformed(path: settings, pattern: nil, message: "pattern resolution \(res.0)x\(res.1) is not plausible (1…8192 px a side)")
    }
    if let s = samples, !((1...1_000_000).contains(s.0) && (1...1_000_000).contains(s.1)) {
        throw .malformed(path: settings, pattern: nil, message: "number of samples \(s.0)x\(s.1) is not plausible")
    }
    let n = res.0 * res.1
    let size = fileSize(path)
    guard size % n == 0 else { throw .malformed(path: path, pattern: size / n, message: "size \(size) bytes is not a whole number of \(res.0)×\(res.1) patterns (truncated?)") }
    let shape = samples.map { (rows: $0.1, columns: $0.0) }
    return try RawRecordSource(path: path, rows: res.1, columns: res.0, offset: 0, bytesPerPixel: 1, count: size / n, mapShape: shape)
}

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
    guard version == 1 || version >= 3 else { throw .malformed(path: path, pattern: nil, message: "header version \(version) is not supported (1 or ≥ 3)") }
    guard width > 0, height > 0, width <= 4096, height <= 4096 else { throw .malformed(path: path, pattern: nil, message: "header pattern size \(width)×\(height) is not plausible") }
    let size = fileSize(path)
    guard offset >= 16, offset <= size else { throw .malformed(path: path, pattern: nil, message: "header pattern offset \(offset) lies outside the file (\(size) bytes)") }
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
            throw .malformed(path: path, pattern: inFile, message: "header says \(ny) × \(nx) patterns of \(width)×\(height), but the file holds only \(inFile) (truncated or header mismatch)")
        }
        shape = (ny, nx)
        return try RawRecordSource(path: path, rows: height, columns: width, offset: offset, bytesPerPixel: bpp, count: nx * ny, mapShape: shape)
    }
    guard (size - offset) % per == 0 else { throw .malformed(path: path, pattern: inFile, message: "file ends inside a pattern (truncated?)") }
    return try RawRecordSource(path: path, rows: height, columns: width, offset: offset, bytesPerPixel: bpp, count: inFile, mapShape: nil)
}

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
                guard let d = try h.read(upToCount: 8), d.count == 8 else { throw PatternStackError.malformed(path: path, pattern: nil, message: "file ends inside its header") }
                return Int64(littleEndian: d.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) })
            } catch let e as PatternStackError { throw e } catch { throw .malformed(path: path, pattern: nil, message: "\(error)") }
        }
        let first = try i64(0)
        guard first > -1000 else { throw .malformed(path: path, pattern: nil, message: "version \(first) is not an .ebsp version (stored as −1 … −999)") }
        let version = first < 0 ? Int(-first) : 0
        let tableStart = version == 0 ? 0 : (version > 3 ? 9 : 8)
        // The table's length is not stored: it ends where the first pattern (in file order) begins.
        var n = 0, firstPattern = Int.max
        var table: [Int64] = []
        while n == 0 || tableStart + 8 * table.count < min(firstPattern, size) {
            let v = try i64(tableStart + 8 * table.count)
            table.append(v)
            if v < 0 || v >= Int64(size) { throw .malformed(path: path, pattern: table.count - 1, message: "pattern position \(v) lies outside the file (\(size) bytes)") }
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
            d.withUnsafeBytes { b in for k in 0..<4 { ints[k] = Int32(littleEndian: b.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)) } }
        } catch let e as PatternStackError { throw e } catch { throw .malformed(path: path, pattern: 0, message: "\(error)") }
        guard ints[0] == 0 else { throw .malformed(path: path, pattern: 0, message: "compressed patterns are not supported") }
        let rows = Int(ints[1]), cols = Int(ints[2]), nbytes = Int(ints[3])
        guard rows > 0, cols > 0, nbytes == rows * cols || nbytes == 2 * rows * cols else {
            throw .malformed(path: path, pattern: 0, message: "pattern header says \(rows)×\(cols) px in \(nbytes) bytes")
        }
        patternRows = rows; patternColumns = cols; bytesPerPixel = nbytes / (rows * cols); count = n
        for (k, s) in table.enumerated() where s != 0 && Int(s) + headerSize + nbytes > size {
            throw .malformed(path: path, pattern: k, message: "pattern lies beyond the end of the file (truncated?)")
        }
    }
    deinit { try? handle.close() }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        let n = patternRows * patternColumns
        var out = [Float](repeating: 0, count: range.count * n)
        lock.lock(); defer { lock.unlock() }
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
                if bytesPerPixel == 1 { for i in 0..<n { out[j * n + i] = Float(b[i]) } }
                else { for i in 0..<n { out[j * n + i] = Float(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) } }
            }
        }
        return out
    }
}

/// A folder of single-pattern images (PNG, TIFF or 8-bit/24-bit BMP) taken
/// in scan order by natural sort of the file names (pattern_2 before pattern_10).
/// Every image must have the size of the first.
public final class ImageFolderSource: PatternSource, @unchecked Sendable {
    public let path: String
    public let files: [String]
    public let patternRows: Int, patternColumns: Int
    public var count: Int { files.count }
    public let mapShape: (rows: Int, columns: Int)? = nil

    public init(_ path: String) throws(PatternStackError) {
        self.path = path
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter {
            ["png", "tif", "tiff", "bmp"].contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".")
        }
        guard !names.isEmpty else { throw .cannotOpen(path: path, reason: "no .png, .tif or .bmp images in the folder") }
        files = names.sorted { $0.compare($1, options: [.numeric, .caseInsensitive]) == .orderedAscending }
            .map { (path as NSString).appendingPathComponent($0) }
        let first = try ImageFolderSource.load(files[0])
        patternRows = first.rows; patternColumns = first.columns
    }

    static func load(_ file: String) throws(PatternStackError) -> (rows: Int, columns: Int, pixels: [Float]) {
        switch (file as NSString).pathExtension.lowercased() {
        case "png":
            do { let p = try PNGImage.read(file, channels: 1); return (p.height, p.width, p.pixels.map(Float.init)) }
            catch { throw .malformed(path: file, pattern: nil, message: "\(error)") }
        case "bmp":
            return try BMPImage.read(file)
        default:
            do { let t = try TIFFReader(file); return (t.height, t.width, try t.page(0)) }
            catch { throw .malformed(path: file, pattern: nil, message: "\(error)") }
        }
    }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(range.count * patternRows * patternColumns)
        for k in range {
            let img = try ImageFolderSource.load(files[k])
            guard img.rows == patternRows, img.columns == patternColumns else {
                throw .shapeMismatch(path: files[k], message: "image is \(img.columns)×\(img.rows) px but the first image (\(files[0])) is \(patternColumns)×\(patternRows)")
            }
            out += img.pixels
        }
        return out
    }
}

/// Minimal reader for uncompressed BMP (8-bit palette or 24/32-bit), converted to gray.
enum BMPImage {
    static func read(_ path: String) throws(PatternStackError) -> (rows: Int, columns: Int, pixels: [Float]) {
        guard let d = FileManager.default.contents(atPath: path) else { throw .cannotOpen(path: path, reason: "not readable") }
        guard d.count >= 54, d[0] == 0x42, d[1] == 0x4D else { throw .malformed(path: path, pattern: nil, message: "not a BMP file") }
        func u32(_ o: Int) -> Int { Int(d.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt32.self) }) }
        func i32(_ o: Int) -> Int { Int(d.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: Int32.self) }) }
        func u16(_ o: Int) -> Int { Int(d.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt16.self) }) }
        let offset = u32(10), dib = u32(14), w = i32(18), hRaw = i32(22), bpp = u16(28), comp = u32(30)
        guard comp == 0 || comp == 3, [8, 24, 32].contains(bpp), w > 0, hRaw != 0 else {
            throw .malformed(path: path, pattern: nil, message: "only uncompressed 8/24/32-bit BMP is supported (bits \(bpp), compression \(comp))")
        }
        let h = abs(hRaw), topDown = hRaw < 0
        let stride = ((w * bpp + 31) / 32) * 4
        guard offset + stride * h <= d.count else { throw .malformed(path: path, pattern: nil, message: "pixel data truncated") }
        var palette = [Float](repeating: 0, count: 256)
        if bpp == 8 {
            let pal = 14 + dib
            for i in 0..<256 where pal + 4 * i + 2 < offset {
                palette[i] = (Float(d[pal + 4 * i]) + Float(d[pal + 4 * i + 1]) + Float(d[pal + 4 * i + 2])) / 3
            }
        }
        var px = [Float](repeating: 0, count: w * h)
        for r in 0..<h {
            let src = offset + (topDown ? r : h - 1 - r) * stride
            for c in 0..<w {
                switch bpp {
                case 8: px[r * w + c] = palette[Int(d[src + c])]
                default:
                    let o = src + c * (bpp / 8)
                    px[r * w + c] = (Float(d[o]) + Float(d[o + 1]) + Float(d[o + 2])) / 3
                }
            }
        }
        return (h, w, px)
    }
}
