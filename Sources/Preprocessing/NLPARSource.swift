import Foundation
import PatternStacks

/// A pattern stack seen through NLPAR: reading patterns reads the raw patterns of their search windows
/// from the underlying stack and returns them averaged (``NLPAR/average(_:block:blockRows:prepared:patternSize:)``),
/// so any indexing or preprocessing streams averaged patterns with only the neighbouring map rows in memory.
public struct NLPARSource: PatternSource {
    public let base: PatternStack
    public let nlpar: NLPAR
    public let prepared: NLPAR.Prepared

    public init(base: PatternStack, nlpar: NLPAR, prepared: NLPAR.Prepared) {
        self.base = base
        self.nlpar = nlpar
        self.prepared = prepared
    }

    public var path: String { base.path }
    public var patternRows: Int { base.patternRows }
    public var patternColumns: Int { base.patternColumns }
    public var count: Int { base.count }
    public var mapShape: (rows: Int, columns: Int)? { (base.mapRows, base.mapColumns) }
    public var metadata: StackMetadata? { base.metadata }

    public func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        let rows = nlpar.rowsNeeded(for: range, mapRows: base.mapRows, mapColumns: base.mapColumns)
        let block = try base.read((rows.lowerBound * base.mapColumns)..<(rows.upperBound * base.mapColumns))
        return nlpar.average(range, block: block, blockRows: rows, prepared: prepared, patternSize: base.patternSize)
    }
}

extension PatternStack {
    /// This stack averaged by NLPAR: runs the first pass (noise σ, λ unless given) now and returns a stack
    /// whose reads average on the fly. `progress(done)` counts the first pass's patterns.
    public func averaged(by nlpar: NLPAR, progress: ((Int) -> Void)? = nil) throws -> (stack: PatternStack, lambda: Double) {
        let prepared = try nlpar.prepare(self, progress: progress)
        return (try averaged(by: nlpar, prepared: prepared), prepared.lambda)
    }

    /// This stack averaged by NLPAR with a first pass made before (e.g. by a cluster run's prepare job).
    public func averaged(by nlpar: NLPAR, prepared: NLPAR.Prepared) throws(PatternStackError) -> PatternStack {
        try PatternStack(source: NLPARSource(base: self, nlpar: nlpar, prepared: prepared), stepMicrons: stepMicrons)
    }

    /// The raw patterns under an NLPAR view (this stack itself when it is not one): what a stack mean is taken
    /// from, since averaging leaves the mean as it is and reading through NLPAR would cost a full averaging pass.
    public var withoutNLPAR: PatternStack { (source as? NLPARSource)?.base ?? self }
}
