import Foundation
import EBSDCore

/// Renders `count` records as text in parallel chunks and returns the bytes
/// in record order, appended to `header`. `line(i, &buffer)` appends record i.
func renderRecords(header: String, count n: Int, bytesPerRecord: Int, _ line: (Int, inout [UInt8]) -> Void) -> Data {
    let nChunks = max(1, min(64, n / 8192))
    let size = (n + nChunks - 1) / nChunks
    var chunks = [[UInt8]](repeating: [], count: nChunks)
    withoutActuallyEscaping(line) { body in
        let box = UncheckedBox(body)
        chunks.withUnsafeMutableBufferPointer { cp in
            let out = UncheckedPointer(cp.baseAddress!)
            parallelFor(nChunks) { c in
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
