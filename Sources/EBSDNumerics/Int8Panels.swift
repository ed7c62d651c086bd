import CMatchKernels
import EBSDCore

/// Dictionary rows in the VNNI kernel's packed layout: panels of ``panelRows`` rows, each value stored
/// as its int8 value + 128 (see `match_kernels.h`), with one float scale per row. The stored form of a
/// low-precision dictionary — what the int8 dictionary cache holds byte for byte. A panel of rows
/// `p·32 ..< (p+1)·32` always sits at byte `p · 32 · paddedLength`, so blocks that start on a panel
/// boundary can be packed, written and read independently.
public struct Int8Panels: Sendable {
    public static let panelRows = Int(EBSD_I8_PANEL_ROWS)
    public let count: Int
    public let paddedLength: Int
    /// `panelCount × panelRows × paddedLength` bytes.
    public var bytes: [UInt8]
    /// `count` scales (row ≈ scale · int8 values).
    public var scales: [Float]

    public var panelCount: Int { (count + Self.panelRows - 1) / Self.panelRows }
    /// Bytes of the packed rows.
    public static func byteCount(rows: Int, paddedLength: Int) -> Int {
        (rows + panelRows - 1) / panelRows * panelRows * paddedLength
    }

    /// Packs quantised rows.
    public init(_ q: QuantizedRows) {
        count = q.count
        paddedLength = q.paddedLength
        scales = q.scales
        var out = [UInt8](repeating: 0, count: Self.byteCount(rows: q.count, paddedLength: q.paddedLength))
        q.values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { ebsd_i8_pack_panels(v.baseAddress!, q.count, q.paddedLength, $0.baseAddress!) }
        }
        bytes = out
    }

    /// Quantises `count` contiguous float rows of `length` values and packs them in one pass, panels split over all cores
    /// (the same values as `Int8Panels(QuantizedRows(…))`).
    public init(quantizing rows: UnsafePointer<Float>, count: Int, length: Int) {
        self.count = count
        paddedLength = QuantizedRows.paddedLength(length)
        var out = [UInt8](repeating: 0, count: Self.byteCount(rows: count, paddedLength: paddedLength))
        var s = [Float](repeating: 1, count: count)
        let pl = paddedLength, panels = (count + Self.panelRows - 1) / Self.panelRows, rowsPer = Self.panelRows
        out.withUnsafeMutableBufferPointer { o in
            s.withUnsafeMutableBufferPointer { sp in
                let op = UncheckedPointer(o.baseAddress!), scp = UncheckedPointer(sp.baseAddress!), src = UncheckedPointer(readOnly: rows)
                parallelChunks(count: panels, minimumChunk: 4) { r in
                    let first = r.lowerBound * rowsPer, last = min(count, r.upperBound * rowsPer)
                    ebsd_i8_quantize_panels(src.p + first * length, last - first, length, pl, op.p + first * pl, scp.p + first)
                }
            }
        }
        bytes = out
        scales = s
    }

    /// Rows already packed (e.g. read from a cache file); `bytes.count` must be ``byteCount(rows:paddedLength:)``.
    public init(count: Int, paddedLength: Int, bytes: [UInt8], scales: [Float]) {
        precondition(bytes.count == Self.byteCount(rows: count, paddedLength: paddedLength) && scales.count == count)
        self.count = count
        self.paddedLength = paddedLength
        self.bytes = bytes
        self.scales = scales
    }
}
