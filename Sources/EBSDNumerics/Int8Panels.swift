import CMatchKernels
import EBSDCore

/// Dictionary rows in the VNNI kernel's packed layout: panels of ``panelRows`` rows, each value stored
/// as its int8 value + 128 (see `match_kernels.h`), with one float scale per row. The stored form of a
/// low-precision dictionary — what the int8 dictionary cache holds byte for byte. A panel of rows
/// `p·32 ..< (p+1)·32` always sits at byte `p · 32 · paddedLength`, so blocks that start on a panel
/// boundary can be packed, written and read independently. One buffer serves block after block
/// (``reset(count:)``), so that a long dictionary does not fault in fresh pages for every block.
public struct Int8Panels: Sendable {
    public static let panelRows = Int(EBSD_I8_PANEL_ROWS)
    /// Rows held now (at most the capacity the buffer was made for).
    public private(set) var count: Int
    public let paddedLength: Int
    /// The packed rows: the first ``byteCount(rows:paddedLength:)`` bytes for ``count`` rows are meaningful.
    public var bytes: [UInt8]
    /// `count` scales (row ≈ scale · int8 values).
    public var scales: [Float]

    public var panelCount: Int { (count + Self.panelRows - 1) / Self.panelRows }
    /// Bytes of the packed rows.
    public static func byteCount(rows: Int, paddedLength: Int) -> Int {
        (rows + panelRows - 1) / panelRows * panelRows * paddedLength
    }

    /// An empty buffer for up to `capacity` rows of `length` values.
    public init(capacity: Int, length: Int) {
        count = capacity
        paddedLength = QuantizedRows.paddedLength(length)
        bytes = [UInt8](repeating: 0, count: Self.byteCount(rows: capacity, paddedLength: paddedLength))
        scales = [Float](repeating: 1, count: capacity)
    }

    /// Packs quantised rows.
    public init(_ q: QuantizedRows) {
        self.init(capacity: q.count, length: q.length)
        q.values.withUnsafeBufferPointer { v in
            bytes.withUnsafeMutableBufferPointer { ebsd_i8_pack_panels(v.baseAddress!, q.count, q.paddedLength, $0.baseAddress!) }
        }
        scales = q.scales
    }

    /// Quantises `count` contiguous float rows of `length` values and packs them in one pass (the same values as
    /// `Int8Panels(QuantizedRows(…))`).
    public init(quantizing rows: UnsafePointer<Float>, count: Int, length: Int) {
        self.init(capacity: count, length: length)
        setRows(quantizing: rows, count: count, length: length, from: 0)
    }

    /// Makes the buffer hold `count` rows (no more than it was made for); their bytes and scales are set next.
    public mutating func reset(count: Int) {
        precondition(Self.byteCount(rows: count, paddedLength: paddedLength) <= bytes.count)
        self.count = count
        if scales.count != count { scales = [Float](repeating: 1, count: count) }
    }

    /// Quantises `rows` (`count` × `length` floats) into rows `first ..< first + count`; `first` starts a panel.
    /// Panels are split over all cores.
    public mutating func setRows(quantizing rows: UnsafePointer<Float>, count n: Int, length: Int, from first: Int) {
        precondition(first % Self.panelRows == 0 && first + n <= count && QuantizedRows.paddedLength(length) == paddedLength)
        let pl = paddedLength, panels = (n + Self.panelRows - 1) / Self.panelRows, rowsPer = Self.panelRows
        bytes.withUnsafeMutableBufferPointer { o in
            scales.withUnsafeMutableBufferPointer { sp in
                let op = UncheckedPointer(o.baseAddress! + first * pl), scp = UncheckedPointer(sp.baseAddress! + first)
                let src = UncheckedPointer(readOnly: rows)
                parallelChunks(count: panels, minimumChunk: 4) { r in
                    let lo = r.lowerBound * rowsPer, hi = min(n, r.upperBound * rowsPer)
                    ebsd_i8_quantize_panels(src.p + lo * length, hi - lo, length, pl, op.p + lo * pl, scp.p + lo)
                }
            }
        }
    }
}
