import Foundation

/// Patterns already in memory (simulated, or computed by the caller) seen as a pattern source, so every stack
/// API (indexing, NLPAR, refinement) takes them: `count` patterns of `patternRows × patternColumns` floats, row-major,
/// one after another in scan order.
public struct MemoryPatternSource: PatternSource {
    public let path: String
    public let patternRows: Int
    public let patternColumns: Int
    public let count: Int
    public let mapShape: (rows: Int, columns: Int)?
    public let data: [Float]

    /// Refused when `data` does not hold exactly `count` patterns.
    public init(
        data: [Float], patternRows: Int, patternColumns: Int, mapShape: (rows: Int, columns: Int)?, name: String = "memory"
    ) throws(PatternStackError) {
        let n = patternRows * patternColumns
        guard n > 0, data.count % n == 0 else {
            throw .malformed(
                path: name, pattern: nil, message: "\(data.count) values are not whole \(patternRows)×\(patternColumns) patterns")
        }
        self.data = data
        self.patternRows = patternRows
        self.patternColumns = patternColumns
        count = data.count / n
        self.mapShape = mapShape
        path = name
    }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw .malformed(path: path, pattern: range.upperBound - 1, message: "outside the \(count) patterns")
        }
        let n = patternRows * patternColumns
        return Array(data[(range.lowerBound * n)..<(range.upperBound * n)])
    }
}
