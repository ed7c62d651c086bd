import Foundation
import EBSDCore

/// Writes `header` and then `count` records as text to `path` (``AtomicFile``: temporary file, then rename),
/// rendering the records in parallel chunks and writing each batch of chunks in record order as it is done, so a
/// 16 M-point map never holds its whole text in memory. `line(i, &buffer)` appends record i.
func writeRecords(
    to path: String, header: String, count n: Int, bytesPerRecord: Int, _ line: (Int, inout [UInt8]) -> Void
) throws(MapFileError) {
    let chunkRecords = 1 << 15
    let batch = max(1, ProcessInfo.processInfo.activeProcessorCount * 4)
    let nChunks = (n + chunkRecords - 1) / chunkRecords
    do {
        try AtomicFile.write(to: path) { put in
            guard Array(header.utf8).withUnsafeBytes({ put($0) }) else { return }
            withoutActuallyEscaping(line) { body in
                let box = UncheckedBox(body)
                var first = 0
                while first < nChunks {
                    let count = min(batch, nChunks - first)
                    var chunks = [[UInt8]](repeating: [], count: count)
                    chunks.withUnsafeMutableBufferPointer { cp in
                        let out = UncheckedPointer(cp.baseAddress!)
                        let start = first
                        parallelFor(count) { c in
                            var buf: [UInt8] = []
                            buf.reserveCapacity(chunkRecords * bytesPerRecord)
                            let lo = (start + c) * chunkRecords, hi = min(n, lo + chunkRecords)
                            for i in lo..<hi { box.value(i, &buf) }
                            out.p[c] = buf
                        }
                    }
                    for c in chunks { guard c.withUnsafeBytes({ put($0) }) else { return } }
                    first += count
                }
            }
        }
    } catch { throw .writeFailed(path: path, reason: error.reason) }
}
