import Foundation
import Crystallography
import MapPictures

/// The IPF colour key of a Laue group for figures: its standard stereographic triangle (projection from the south
/// pole, as orix) filled with the key's colours as an image, outlined, with the corner directions as vector labels
/// placed outside the triangle (never over it, never clipped).
enum IPFKey {
    /// Draws the key in a `size` × `size` mm box at (x, top); returns the width used (mm).
    static func draw(_ f: Figure, group: LaueGroup, x: Double, top: Double, size: Double) -> Double {
        let key = IPFColorKey(group)
        let sector = group.fundamentalSector
        let stereo = { (v: Vector3) -> (Double, Double) in
            let u = v.unit
            return (u.x / (1 + u.z), u.y / (1 + u.z))
        }
        // bounds of the projected sector
        var pts: [(Double, Double)] = []
        let samples = 120
        for i in 0...samples {
            for j in 0...samples {
                let phi = 2 * Double.pi * Double(i) / Double(samples), ct = Double(j) / Double(samples)
                let st = (1 - ct * ct).squareRoot()
                let v = Vector3(st * cos(phi), st * sin(phi), ct)
                if sector.contains(v) { pts.append(stereo(v)) }
            }
        }
        guard !pts.isEmpty else { return 0 }
        let minX = pts.map(\.0).min()!, maxX = pts.map(\.0).max()!, minY = pts.map(\.1).min()!, maxY = pts.map(\.1).max()!
        let labelSize = Axes.labelSizePt
        let pad = Figure.mm(points: labelSize) * 1.2
        let inner = size - 2 * pad
        let span = max(maxX - minX, maxY - minY, 1e-9)
        let px = 160
        var rgb = [UInt8](repeating: 255, count: 3 * px * px), outside = [Bool](repeating: true, count: px * px)
        for r in 0..<px {
            for c in 0..<px {
                let sx = minX + (Double(c) + 0.5) / Double(px) * span, sy = maxY - (Double(r) + 0.5) / Double(px) * span
                let r2 = sx * sx + sy * sy
                let v = Vector3(2 * sx, 2 * sy, 1 - r2) / (1 + r2)
                guard sector.contains(v) else { continue }
                let col = key.color(crystalDirection: v).bytes
                rgb[3 * (r * px + c)] = col.0
                rgb[3 * (r * px + c) + 1] = col.1
                rgb[3 * (r * px + c) + 2] = col.2
                outside[r * px + c] = false
            }
        }
        let left = x + pad, upper = top + pad
        f.image(rgb: rgb, width: px, height: px, x: left, y: upper, drawWidth: inner, drawHeight: inner, transparent: outside)
        let toMM = { (p: (Double, Double)) in (left + (p.0 - minX) / span * inner, upper + (maxY - p.1) / span * inner) }
        let centre = toMM((pts.map(\.0).reduce(0, +) / Double(pts.count), pts.map(\.1).reduce(0, +) / Double(pts.count)))
        var rightmost = left + inner
        for v in sector.vertices {
            let p = toMM(stereo(v))
            let label = millerLabel(v)
            let w = f.measure(label, sizePt: labelSize).width
            // away from the triangle's centre
            let dx = p.0 - centre.0, dy = p.1 - centre.1
            let h: Figure.HorizontalAnchor = abs(dx) < 0.5 ? .centre : (dx > 0 ? .left : .right)
            let vert: Figure.VerticalAnchor = dy > 0.5 ? .top : (dy < -0.5 ? .bottom : .middle)
            let lx = p.0 + (h == .left ? 0.6 : h == .right ? -0.6 : 0), ly = p.1 + (vert == .top ? 0.5 : vert == .bottom ? -0.5 : 0)
            f.text(label, x: lx, y: ly, sizePt: labelSize, horizontal: h, vertical: vert)
            rightmost = max(rightmost, h == .left ? lx + w : h == .centre ? lx + w / 2 : lx)
        }
        return rightmost - x
    }

    /// Smallest integer indices of a direction, e.g. [101].
    static func millerLabel(_ v: Vector3) -> String {
        for m in 1...6 {
            let s = v / max(abs(v.x), abs(v.y), abs(v.z)) * Double(m)
            let r = (s.x.rounded(), s.y.rounded(), s.z.rounded())
            if abs(s.x - r.0) < 0.05 && abs(s.y - r.1) < 0.05 && abs(s.z - r.2) < 0.05 {
                return "[" + [r.0, r.1, r.2].map { String(Int($0)) }.joined() + "]"
            }
        }
        return ""
    }
}
