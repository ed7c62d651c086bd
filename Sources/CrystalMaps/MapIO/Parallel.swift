import Foundation

/// Wraps a pointer for use across the iterations of `concurrentPerform`,
/// where each iteration writes a disjoint range.
struct SendablePointer<T>: @unchecked Sendable {
    let p: UnsafeMutablePointer<T>
}

/// Runs `body` over `count` items split into contiguous chunks on all cores.
func parallelChunks(count: Int, minimumChunk: Int = 4096, _ body: (Range<Int>) -> Void) {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let chunks = max(1, min(cores * 4, (count + minimumChunk - 1) / minimumChunk))
    if chunks == 1 { body(0..<count); return }
    let size = (count + chunks - 1) / chunks
    withoutActuallyEscaping(body) { b in
        let box = UncheckedBox(b)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * size, hi = min(count, lo + size)
            if lo < hi { box.value(lo..<hi) }
        }
    }
}

struct UncheckedBox<T>: @unchecked Sendable { let value: T; init(_ v: T) { value = v } }
