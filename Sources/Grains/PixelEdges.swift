import EBSDCore
import Foundation
import CrystalMaps

/// A value on every pixel edge of a map: `right[i]` on the edge between pixel i and its right neighbour, `down[i]` on
/// the edge between pixel i and the pixel below (`none` on the map's last column / row). Classified in parallel by
/// rows; the layout of ``BoundaryMap`` and ``SpecialBoundaryMap``.
public enum PixelEdges {
    public static func classify<T: Sendable>(_ grid: MapGrid, none: T, _ kind: @Sendable (Int, Int) -> T) -> (right: [T], down: [T]) {
        let n = grid.count, cols = grid.columns, rows = grid.rows
        var right = [T](repeating: none, count: n), down = right
        right.withUnsafeMutableBufferPointer { rb in
            down.withUnsafeMutableBufferPointer { db in
                let r = UncheckedPointer(rb.baseAddress!), d = UncheckedPointer(db.baseAddress!)
                parallelFor(rows) { row in
                    for c in 0..<cols {
                        let i = row * cols + c
                        if c + 1 < cols { r.p[i] = kind(i, i + 1) }
                        if row + 1 < rows { d.p[i] = kind(i, i + cols) }
                    }
                }
            }
        }
        return (right, down)
    }

    /// A straight run of marked edges, in map pixels: a vertical run lies on x = `line` (between columns `line − 1`
    /// and `line`) over rows `span`; a horizontal one on y = `line` (between rows `line − 1` and `line`) over columns
    /// `span`. What every picture of boundaries draws (``BoundaryMap/runs(_:grid:)``), raster or vector.
    public struct Run: Sendable, Hashable {
        public var vertical: Bool
        public var line: Int
        public var span: Range<Int>
    }

    /// The runs of consecutive edges where `right(i)` (edge between pixel i and its right neighbour) or `down(i)`
    /// holds: vertical runs column by column, then horizontal runs row by row.
    public static func runs(_ grid: MapGrid, right: (Int) -> Bool, down: (Int) -> Bool) -> [Run] {
        let cols = grid.columns, rows = grid.rows
        var out: [Run] = []
        for c in 0..<max(0, cols - 1) {
            for s in spans(rows, { right($0 * cols + c) }) { out.append(Run(vertical: true, line: c + 1, span: s)) }
        }
        for r in 0..<max(0, rows - 1) {
            for s in spans(cols, { down(r * cols + $0) }) { out.append(Run(vertical: false, line: r + 1, span: s)) }
        }
        return out
    }

    /// The runs of consecutive indices in 0..<count where `holds` is true.
    static func spans(_ count: Int, _ holds: (Int) -> Bool) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var k = 0
        while k < count {
            guard holds(k) else {
                k += 1
                continue
            }
            let start = k
            while k < count && holds(k) { k += 1 }
            out.append(start..<k)
        }
        return out
    }
}
