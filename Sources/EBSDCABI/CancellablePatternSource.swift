import Foundation
import PatternStacks

/// A pattern source that stops being readable once its ``CancellationToken`` is set: every step reads its patterns in
/// chunks, so a caller's "stop" ends the step at its next chunk with an error the C ABI reports as cancelled.
struct CancellablePatternSource: PatternSource {
    let inner: any PatternSource
    let token: CancellationToken

    var path: String { inner.path }
    var patternRows: Int { inner.patternRows }
    var patternColumns: Int { inner.patternColumns }
    var count: Int { inner.count }
    var mapShape: (rows: Int, columns: Int)? { inner.mapShape }
    var metadata: StackMetadata? { inner.metadata }

    func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        guard !token.isCancelled else { throw .malformed(path: path, pattern: nil, message: "cancelled by the caller") }
        return try inner.read(range)
    }

    /// `stack` read through a cancellable source, with the same map shape and step.
    static func wrapping(_ stack: PatternStack, _ token: CancellationToken) throws -> PatternStack {
        try PatternStack(
            source: CancellablePatternSource(inner: stack.source, token: token), mapShape: (stack.mapRows, stack.mapColumns),
            stepMicrons: stack.stepMicrons)
    }
}
