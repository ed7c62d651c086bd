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
}
