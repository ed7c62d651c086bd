import CMatchKernels
import EBSDCore
import Foundation

/// Float rows quantised to int8 with one scale per row (the row's largest |x| ↦ 127, round to
/// nearest): x ≈ scale · q. Rows are padded with zeros to ``paddedLength`` (a multiple of 4, the
/// k-quads of the VNNI kernel); ``sums`` holds each row's sum of int8 values, which the kernel's
/// unsigned-offset arithmetic needs. The measured side of ``Int8Gemm``.
public struct QuantizedRows: Sendable {
    public let count: Int
    public let length: Int
    public let paddedLength: Int
    public private(set) var values: [Int8]
    public private(set) var scales: [Float]
    public private(set) var sums: [Int32]

    /// The row length rounded up to whole k-quads.
    public static func paddedLength(_ length: Int) -> Int { (length + 3) / 4 * 4 }

    /// Quantises `count` contiguous rows of `length` floats.
    public init(_ rows: UnsafePointer<Float>, count: Int, length: Int) {
        self.count = count
        self.length = length
        paddedLength = Self.paddedLength(length)
        values = [Int8](repeating: 0, count: count * paddedLength)
        scales = [Float](repeating: 1, count: count)
        sums = [Int32](repeating: 0, count: count)
        let pl = paddedLength
        values.withUnsafeMutableBufferPointer { v in
            scales.withUnsafeMutableBufferPointer { s in
                sums.withUnsafeMutableBufferPointer { t in
                    let vp = UncheckedPointer(v.baseAddress!), sp = UncheckedPointer(s.baseAddress!), tp = UncheckedPointer(t.baseAddress!)
                    let src = UncheckedPointer(readOnly: rows)
                    parallelChunks(count: count, minimumChunk: 64) { r in
                        ebsd_i8_quantize(
                            src.p + r.lowerBound * length, r.count, length, pl, vp.p + r.lowerBound * pl, sp.p + r.lowerBound,
                            tp.p + r.lowerBound)
                    }
                }
            }
        }
    }

    /// Quantises an array of `count` rows.
    public init(_ rows: [Float], count: Int, length: Int) {
        precondition(rows.count == count * length)
        self = rows.withUnsafeBufferPointer { QuantizedRows($0.baseAddress!, count: count, length: length) }
    }
}
