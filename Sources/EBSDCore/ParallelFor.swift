import Foundation

/// Runs `body(i)` for i in 0..<iterations on all cores (Dispatch's concurrentPerform).
/// Iterations must touch disjoint memory; wrap shared buffers in ``UncheckedPointer``.
@inlinable
public func parallelFor(_ iterations: Int, _ body: @Sendable (Int) -> Void) {
    guard iterations > 0 else { return }
    if iterations == 1 {
        body(0)
        return
    }
    DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
}

/// Runs `body` over `count` items split into contiguous chunks (at least `minimumChunk`
/// items each, at most four per core) on all cores.
public func parallelChunks(count: Int, minimumChunk: Int = 4096, _ body: (Range<Int>) -> Void) {
    let chunksPerCore = 4
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let chunks = max(1, min(cores * chunksPerCore, (count + minimumChunk - 1) / minimumChunk))
    if chunks == 1 {
        body(0..<count)
        return
    }
    let size = (count + chunks - 1) / chunks
    withoutActuallyEscaping(body) { b in
        let box = UncheckedBox(b)
        parallelFor(chunks) { c in
            let lo = c * size, hi = min(count, lo + size)
            if lo < hi { box.value(lo..<hi) }
        }
    }
}

/// A pointer handed to the iterations of ``parallelFor(_:_:)``, where each iteration
/// reads shared data or writes its own disjoint part. The one unchecked-Sendable
/// pointer wrapper of the library.
public struct UncheckedPointer<T>: @unchecked Sendable {
    public let p: UnsafeMutablePointer<T>
    @inlinable public init(_ p: UnsafeMutablePointer<T>) { self.p = p }
    /// Wraps a read-only pointer; the caller never writes through it.
    @inlinable public init(readOnly p: UnsafePointer<T>) { self.p = UnsafeMutablePointer(mutating: p) }
}

/// A value (e.g. a non-Sendable closure) shared read-only by the iterations of ``parallelFor(_:_:)``.
public struct UncheckedBox<T>: @unchecked Sendable {
    public let value: T
    @inlinable public init(_ value: T) { self.value = value }
}
