import Foundation
import EBSDImageIO

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
        patternRows = first.rows
        patternColumns = first.columns
    }

    static func load(_ file: String) throws(PatternStackError) -> (rows: Int, columns: Int, pixels: [Float]) {
        switch (file as NSString).pathExtension.lowercased() {
        case "png":
            do {
                let p = try PNGImage.read(file, channels: 1)
                return (p.height, p.width, p.pixels.map(Float.init))
            } catch { throw .malformed(path: file, pattern: nil, message: "\(error)") }
        case "bmp":
            do { return try BMPImage.read(file) } catch { throw .malformed(path: file, pattern: nil, message: "\(error)") }
        default:
            do {
                let t = try TIFFReader(file)
                return (t.height, t.width, try t.page(0))
            } catch { throw .malformed(path: file, pattern: nil, message: "\(error)") }
        }
    }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(range.count * patternRows * patternColumns)
        for k in range {
            let img = try ImageFolderSource.load(files[k])
            guard img.rows == patternRows, img.columns == patternColumns else {
                throw .shapeMismatch(
                    path: files[k],
                    message: "image is \(img.columns)×\(img.rows) px but the first image (\(files[0])) is "
                        + "\(patternColumns)×\(patternRows)")
            }
            out += img.pixels
        }
        return out
    }
}
