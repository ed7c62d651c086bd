import Foundation
import EBSDImageIO

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
    /// Acquisition metadata the file states (instrument HDF5 files), or nil.
    var metadata: StackMetadata? { get }
}

extension PatternSource {
    public var metadata: StackMetadata? { nil }
}
