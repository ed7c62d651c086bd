import Foundation

/// One pattern image — PNG, BMP or JPEG (8/16-bit gray, RGB, RGBA; colour becomes gray as in ``ImageFolderSource``) —
/// as a one-pattern stack: a recorded static background, or a single exported pattern. (A TIFF of any page count is
/// a ``TIFFStackSource``.)
public struct SingleImageSource: PatternSource {
    public let path: String
    public let patternRows: Int, patternColumns: Int
    public var count: Int { 1 }
    public var mapShape: (rows: Int, columns: Int)? { (1, 1) }
    public var metadata: StackMetadata? { nil }
    /// The image file extensions read this way.
    public static let extensions: Set<String> = ["png", "bmp", "jpg", "jpeg"]
    let pixels: [Float]

    public init(_ path: String) throws(PatternStackError) {
        let image = try ImageFolderSource.load(path)
        self.path = path
        patternRows = image.rows
        patternColumns = image.columns
        pixels = image.pixels
    }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        guard range.lowerBound >= 0, range.upperBound <= 1 else {
            throw .malformed(path: path, pattern: range.upperBound - 1, message: "out of range (a single image holds 1 pattern)")
        }
        return range.isEmpty ? [] : pixels
    }
}
