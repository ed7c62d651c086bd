import Foundation
import Crystallography

/// A Laue group's standard triangle (fundamental sector of directions) in the stereographic projection from the south
/// pole (as orix), fitted into a square box: the bounds, the direction of each pixel of a box image, the box position of
/// a direction, and the corner directions labelled outside the triangle (never over it).
struct SectorProjection {
    let sector: FundamentalSector
    let minX: Double, maxY: Double, span: Double
    /// Samples per azimuth and polar axis when finding the bounds.
    static let boundSamples = 200

    init(_ group: LaueGroup) {
        sector = group.fundamentalSector
        var b = (minX: Double.infinity, maxX: -Double.infinity, minY: Double.infinity, maxY: -Double.infinity)
        let n = Self.boundSamples
        for i in 0...n {
            for j in 0...n {
                let phi = 2 * Double.pi * Double(i) / Double(n), ct = Double(j) / Double(n), st = (1 - ct * ct).squareRoot()
                let v = Vector3(st * cos(phi), st * sin(phi), ct)
                guard sector.contains(v) else { continue }
                let p = Self.stereo(v)
                b = (min(b.minX, p.0), max(b.maxX, p.0), min(b.minY, p.1), max(b.maxY, p.1))
            }
        }
        minX = b.minX
        maxY = b.maxY
        span = max(b.maxX - b.minX, b.maxY - b.minY, 1e-9)
    }

    static func stereo(_ v: Vector3) -> (Double, Double) {
        let u = v.unit
        return (u.x / (1 + u.z), u.y / (1 + u.z))
    }

    /// The direction at the centre of pixel (r, c) of an n × n image of the box.
    func direction(row r: Int, column c: Int, size n: Int) -> Vector3 {
        let x = minX + (Double(c) + 0.5) / Double(n) * span, y = maxY - (Double(r) + 0.5) / Double(n) * span
        let r2 = x * x + y * y
        return Vector3(2 * x, 2 * y, 1 - r2) / (1 + r2)
    }

    /// Where a direction lies in the box (mm) at (left, top), `size` mm wide.
    func position(_ v: Vector3, left: Double, top: Double, size: Double) -> (Double, Double) {
        let p = Self.stereo(v)
        return (left + (p.0 - minX) / span * size, top + (maxY - p.1) / span * size)
    }

    /// Labels the corner directions outside the triangle, away from its centre; returns the right edge used (mm).
    func labelCorners(_ f: Figure, left: Double, top: Double, size: Double, sizePt: Double) -> Double {
        let c = position(sector.center, left: left, top: top, size: size)
        var rightmost = left + size
        for v in sector.vertices {
            let p = position(v, left: left, top: top, size: size)
            let label = Self.millerLabel(v)
            let w = f.measure(label, sizePt: sizePt).width
            let dx = p.0 - c.0, dy = p.1 - c.1
            let h: Figure.HorizontalAnchor = abs(dx) < 0.5 ? .centre : (dx > 0 ? .left : .right)
            let vert: Figure.VerticalAnchor = dy > 0.5 ? .top : (dy < -0.5 ? .bottom : .middle)
            let lx = p.0 + (h == .left ? 0.6 : h == .right ? -0.6 : 0), ly = p.1 + (vert == .top ? 0.5 : vert == .bottom ? -0.5 : 0)
            f.text(label, x: lx, y: ly, sizePt: sizePt, horizontal: h, vertical: vert)
            rightmost = max(rightmost, h == .left ? lx + w : h == .centre ? lx + w / 2 : lx)
        }
        return rightmost
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
