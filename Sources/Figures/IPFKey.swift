import Foundation
import Crystallography

/// The IPF colour key of a Laue group for figures: its standard stereographic triangle (``SectorProjection``) filled
/// with the key's colours as an image, with the corner directions as vector labels placed outside the triangle (never
/// over it, never clipped).
enum IPFKey {
    /// Pixels of the key image per side.
    static let resolution = 160

    /// Draws the key in a `size` × `size` mm box at (x, top); returns the width used (mm).
    static func draw(_ f: Figure, group: LaueGroup, x: Double, top: Double, size: Double) -> Double {
        let key = IPFColorKey(group)
        let projection = SectorProjection(group)
        let labelSize = Axes.labelSizePt
        let pad = Figure.mm(points: labelSize) * 1.2
        let inner = size - 2 * pad
        let px = resolution
        var rgb = [UInt8](repeating: 255, count: 3 * px * px), outside = [Bool](repeating: true, count: px * px)
        for r in 0..<px {
            for c in 0..<px {
                let v = projection.direction(row: r, column: c, size: px)
                guard projection.sector.contains(v) else { continue }
                let col = key.color(crystalDirection: v).bytes
                rgb[3 * (r * px + c)] = col.0
                rgb[3 * (r * px + c) + 1] = col.1
                rgb[3 * (r * px + c) + 2] = col.2
                outside[r * px + c] = false
            }
        }
        let left = x + pad, upper = top + pad
        f.image(rgb: rgb, width: px, height: px, x: left, y: upper, drawWidth: inner, drawHeight: inner, transparent: outside)
        return projection.labelCorners(f, left: left, top: upper, size: inner, sizePt: labelSize) - x
    }
}
