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

/// Renders `count` records as text in parallel chunks and returns the bytes
/// in record order, appended to `header`. `line(i, &buffer)` appends record i.
func renderRecords(header: String, count n: Int, bytesPerRecord: Int, _ line: (Int, inout [UInt8]) -> Void) -> Data {
    let nChunks = max(1, min(64, n / 8192))
    let size = (n + nChunks - 1) / nChunks
    var chunks = [[UInt8]](repeating: [], count: nChunks)
    withoutActuallyEscaping(line) { body in
        let box = UncheckedBox(body)
        chunks.withUnsafeMutableBufferPointer { cp in
            let out = SendablePointer(p: cp.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: nChunks) { c in
                var buf: [UInt8] = []
                buf.reserveCapacity(size * bytesPerRecord)
                let lo = c * size, hi = min(n, lo + size)
                if lo < hi { for i in lo..<hi { box.value(i, &buf) } }
                out.p[c] = buf
            }
        }
    }
    var data = Data(header.utf8)
    for c in chunks { data.append(contentsOf: c) }
    return data
}
