import Foundation
import EBSDImageIO

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
            let ms = obj["map_shape"] as? [Int], ms.count == 2
        {
            shape = (ms[0], ms[1])
        }
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
