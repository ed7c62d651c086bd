import Foundation

/// Map rows `rows` of a stack, as a stack of their own: what one task of a job array reads (a shard of whole
/// map rows). Reads go to the underlying stack at the same patterns, so only the shard's part of the file is
/// read (a page range of a TIFF, a hyperslab of an HDF5 dataset); a view of an NLPAR stack averages its
/// patterns with their full neighbourhoods, rows outside the shard included.
public struct MapRowsSource: PatternSource {
    public let base: PatternStack
    public let rows: Range<Int>

    public init(base: PatternStack, rows: Range<Int>) {
        self.base = base
        self.rows = rows
    }

    public var path: String { base.path }
    public var patternRows: Int { base.patternRows }
    public var patternColumns: Int { base.patternColumns }
    public var count: Int { rows.count * base.mapColumns }
    public var mapShape: (rows: Int, columns: Int)? { (rows.count, base.mapColumns) }
    public var metadata: StackMetadata? { base.metadata }
    /// The whole map's index of this view's first pattern.
    public var firstPoint: Int { base.firstPoint + rows.lowerBound * base.mapColumns }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        let offset = rows.lowerBound * base.mapColumns
        return try base.read((range.lowerBound + offset)..<(range.upperBound + offset))
    }
}

extension PatternStack {
    /// Map rows `range` of this stack (a shard): a stack whose pattern 0 is this stack's pattern
    /// `range.lowerBound × mapColumns`, with ``firstPoint`` saying so.
    public func mapRows(_ range: Range<Int>) throws(PatternStackError) -> PatternStack {
        guard range.lowerBound >= 0, range.upperBound <= mapRows, !range.isEmpty else {
            throw .shapeMismatch(path: path, message: "map rows \(range) are outside the map's \(mapRows) rows")
        }
        return try PatternStack(source: MapRowsSource(base: self, rows: range), stepMicrons: stepMicrons)
    }

    /// The index, in the whole map, of this stack's first pattern: 0, or where a shard of map rows
    /// (``mapRows(_:)``) starts. Per-point data of the whole map (one PC per point) is looked up from here.
    public var firstPoint: Int { (source as? MapRowsSource)?.firstPoint ?? 0 }

    /// This stack's points (0-based, counted from ``firstPoint``) the file holds no pattern for: an image folder's
    /// holes. Indexing leaves them not indexed.
    public var missingPoints: [Int] {
        (metadata?.missingPoints ?? []).map { $0 - firstPoint }.filter { $0 >= 0 && $0 < count }
    }
}
