import EBSDHDF5
import Foundation

/// Patterns from an (N, rows, columns) dataset of an HDF5 file, read by hyperslabs of whole
/// patterns so memory stays flat: uint8, int8, (u)int16, (u)int32, float32 or float64, converted to
/// Float by libhdf5. `order` maps a map point (scan order) to its row in the dataset when the file
/// stores points out of raster order (Bruker regions of interest).
public final class HDF5PatternSource: PatternSource, @unchecked Sendable {
    public let file: HDF5File
    public let dataset: String
    public let patternRows: Int
    public let patternColumns: Int
    public let count: Int
    public let mapShape: (rows: Int, columns: Int)?
    public let order: [Int]?
    public let metadata: StackMetadata?
    public var path: String { file.path }

    init(
        file: HDF5File, dataset: String, mapShape: (rows: Int, columns: Int)?, order: [Int]?, metadata: StackMetadata
    ) throws(PatternStackError) {
        let info: HDF5File.DatasetInfo
        do { info = try file.info(dataset) } catch { throw .malformed(path: file.path, pattern: nil, message: "\(error)") }
        guard info.shape.count == 3, info.kind == .integer || info.kind == .float else {
            throw .malformed(
                path: file.path, pattern: nil,
                message: "'\(dataset)' must be (patterns, rows, columns) numbers, found \(info.typeName) \(info.shape)")
        }
        guard info.shape[1] > 0, info.shape[2] > 0, info.shape[1] <= Self.maximumSide, info.shape[2] <= Self.maximumSide else {
            throw .malformed(
                path: file.path, pattern: nil, message: "'\(dataset)': patterns of \(info.shape[1])x\(info.shape[2]) px are not plausible")
        }
        do { try file.checkStorage(dataset, info: info) } catch { throw .malformed(path: file.path, pattern: nil, message: "\(error)") }
        self.file = file
        self.dataset = dataset
        patternRows = info.shape[1]
        patternColumns = info.shape[2]
        count = order?.count ?? info.shape[0]
        if let order, let bad = order.first(where: { $0 < 0 || $0 >= info.shape[0] }) {
            throw .malformed(path: file.path, pattern: nil, message: "'\(dataset)': point \(bad) is outside its \(info.shape[0]) patterns")
        }
        self.mapShape = mapShape
        self.order = order
        self.metadata = metadata
    }

    /// Largest pattern side accepted (px).
    static let maximumSide = 8192

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        let size = patternRows * patternColumns
        do {
            guard let order else { return try file.rows(dataset, start: range.lowerBound, count: range.count, rowSize: size) }
            var out: [Float] = []
            out.reserveCapacity(range.count * size)
            var k = range.lowerBound
            while k < range.upperBound {
                var e = k + 1
                while e < range.upperBound && order[e] == order[e - 1] + 1 { e += 1 }
                out += try file.rows(dataset, start: order[k], count: e - k, rowSize: size)
                k = e
            }
            return out
        } catch {
            throw .malformed(path: path, pattern: range.lowerBound, message: "\(error)")
        }
    }
}
