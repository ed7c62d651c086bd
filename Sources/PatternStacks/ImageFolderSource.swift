import Foundation
import EBSDImageIO

/// A folder of single-pattern images — JPEG, PNG, TIFF (8/16-bit gray, RGB or RGBA) or 8/24/32-bit BMP — placed on
/// the map by their file names (``ImageFolderLayout``: OIM's x…y… coordinates, AZtec's running index, else natural
/// order). Colour images become gray: their gray where the channels are equal (as pattern exports write them), else
/// the luminance, and ``colourFiles`` says so. Holes read as zero patterns and are listed in ``StackMetadata``;
/// stray files are listed and ignored. Every image must have the size of the first.
public final class ImageFolderSource: PatternSource, @unchecked Sendable {
    public let path: String
    /// The layout the names give.
    public let layout: ImageFolderLayout
    public let patternRows: Int, patternColumns: Int
    public var count: Int { layout.fileOfPoint.count }
    public var mapShape: (rows: Int, columns: Int)? { layout.shape }
    public let metadata: StackMetadata?
    /// The image file extensions read.
    public static let extensions: Set<String> = ["png", "tif", "tiff", "bmp", "jpg", "jpeg"]
    /// How many of the first images checked for colour held colour (shown as luminance).
    public let colourFiles: Int

    /// The folder at `path`, its files placed by `naming` (default: the automatic rules, OIM's unit).
    public init(_ path: String, naming: ImageFolderNaming = ImageFolderNaming()) throws(PatternStackError) {
        self.path = path
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter {
            Self.extensions.contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".")
                && $0 != nordifBackgroundFile
        }
        guard !names.isEmpty else { throw .cannotOpen(path: path, reason: "no .jpg, .png, .tif or .bmp images in the folder") }
        let layout = ImageFolderLayout(names: names, naming: naming)
        self.layout = layout
        guard let first = layout.fileOfPoint.compactMap({ $0 }).first else {
            let how = naming.pattern.map { "the name pattern '\($0.text)' matches" } ?? "lies on the map"
            throw .cannotOpen(path: path, reason: "no image of the folder \(how) (\(names.count) images, e.g. '\(names.sorted()[0])')")
        }
        let image = try Self.loadWithColour((path as NSString).appendingPathComponent(first))
        patternRows = image.rows
        patternColumns = image.columns
        colourFiles = image.colour ? 1 : 0
        var m = StackMetadata(vendor: "image folder", scan: "")
        m.stepX = layout.stepMicrons
        m.stepY = layout.stepMicrons
        m.patternDataset = first
        m.missingPoints = layout.fileOfPoint.indices.filter { layout.fileOfPoint[$0] == nil }
        m.strayFiles = layout.strays
        m.layoutDescription = "\(layout.naming)" + (image.colour ? "; colour images shown as their luminance" : "")
        metadata = m
    }

    /// An image as gray floats (rows × columns).
    static func load(_ file: String) throws(PatternStackError) -> (rows: Int, columns: Int, pixels: [Float]) {
        let l = try loadWithColour(file)
        return (l.rows, l.columns, l.pixels)
    }

    /// An image as gray floats, and whether it held colour (then the pixels are its luminance).
    static func loadWithColour(_ file: String) throws(PatternStackError) -> (rows: Int, columns: Int, pixels: [Float], colour: Bool) {
        do {
            switch (file as NSString).pathExtension.lowercased() {
            case "png" where try PNGImage.is16Bit(file):
                let p = try PNGImage.read16(file)
                let g = TIFFReader.gray(interleaved: p.pixels.map(Float.init), channels: p.channels)
                return (p.height, p.width, g.pixels, g.colour)
            case "png":
                let p = try PNGImage.read(file, channels: nil)
                let g = TIFFReader.gray(interleaved: p.pixels.map(Float.init), channels: p.channels)
                return (p.height, p.width, g.pixels, g.colour)
            case "bmp":
                let b = try BMPImage.read(file)
                return (b.rows, b.columns, b.pixels, false)
            case "jpg", "jpeg":
                let j = try JPEGImage.read(file)
                return (j.rows, j.columns, j.pixels, j.colour)
            default:
                let t = try TIFFReader(file)
                let p = try t.pageAndColour(0)
                return (t.height, t.width, p.pixels, p.colour)
            }
        } catch { throw .malformed(path: file, pattern: nil, message: "\(error)") }
    }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        var out: [Float] = []
        let size = patternRows * patternColumns
        out.reserveCapacity(range.count * size)
        for k in range {
            guard let name = layout.fileOfPoint[k] else {
                out += [Float](repeating: 0, count: size)
                continue
            }
            let file = (path as NSString).appendingPathComponent(name)
            let img = try Self.load(file)
            guard img.rows == patternRows, img.columns == patternColumns else {
                throw .shapeMismatch(
                    path: file,
                    message: "image is \(img.columns)×\(img.rows) px but the first image (\(metadata?.patternDataset ?? "")) is "
                        + "\(patternColumns)×\(patternRows)")
            }
            out += img.pixels
        }
        return out
    }
}
