import CMatchKernels
import EBSDCore
import Foundation

/// int8 score blocks: `C (m×n) = A (m×k) · Bᵀ` for quantised measured rows A and packed dictionary rows B,
/// rescaled to the float rows' units (so C approximates the float product that ``Gemm/rowsDotRows(_:m:_:n:k:into:)``
/// gives). The AVX-512 VNNI kernel (`vpdpbusd`, four times the multiply-adds of an fp32 FMA) runs where the CPU
/// has it; the portable kernel gives bit-identical results anywhere, slowly (tests, forced runs).
public enum Int8Gemm {
    /// Which kernel computes the block.
    public enum Kernel: String, Sendable, CaseIterable {
        /// AVX-512 VNNI (x86-64 with AVX-512 F/BW/VNNI).
        case vnni
        /// Scalar C, any CPU: the reference the VNNI kernel is tested against.
        case portable
    }

    /// Whether this CPU runs the VNNI kernel.
    public static let vnniAvailable = ebsd_i8_vnni_available() != 0
    /// The fastest kernel this CPU has.
    public static var best: Kernel { vnniAvailable ? .vnni : .portable }

    /// Scores rows `rows` of `a` against every row of `b` into `c` (row r − rows.lowerBound at `c + … · b.count`),
    /// the dictionary's panels split over all cores.
    public static func scores(
        _ a: QuantizedRows, rows: Range<Int>, _ b: Int8Panels, into c: UnsafeMutablePointer<Float>, kernel: Kernel = best
    ) {
        precondition(a.paddedLength == b.paddedLength && rows.upperBound <= a.count)
        let panels = b.panelCount, cores = ProcessInfo.processInfo.activeProcessorCount
        let chunksPerCore = 4
        let chunks = max(1, min(panels, cores * chunksPerCore)), per = (panels + chunks - 1) / chunks
        let useVNNI: Int32 = kernel == .vnni ? 1 : 0
        let out = UncheckedPointer(c)
        a.values.withUnsafeBufferPointer { av in
            a.scales.withUnsafeBufferPointer { asc in
                a.sums.withUnsafeBufferPointer { asu in
                    b.bytes.withUnsafeBufferPointer { bb in
                        b.scales.withUnsafeBufferPointer { bs in
                            let ap = UncheckedPointer(readOnly: av.baseAddress! + rows.lowerBound * a.paddedLength)
                            let sp = UncheckedPointer(readOnly: asc.baseAddress! + rows.lowerBound)
                            let up = UncheckedPointer(readOnly: asu.baseAddress! + rows.lowerBound)
                            let bp = UncheckedPointer(readOnly: bb.baseAddress!), tp = UncheckedPointer(readOnly: bs.baseAddress!)
                            parallelFor(chunks) { ch in
                                let p0 = ch * per, p1 = min(panels, p0 + per)
                                guard p0 < p1 else { return }
                                ebsd_i8_scores(
                                    ap.p, rows.count, a.paddedLength, sp.p, up.p, bp.p, b.count, tp.p, p0, p1 - p0,
                                    out.p + p0 * Int8Panels.panelRows, b.count, useVNNI)
                            }
                        }
                    }
                }
            }
        }
    }
}
