import EBSDCore
import Foundation

/// Inverse-pole-figure colour key of a Laue group, the "TSL" key of orix 0.15
/// and MTEX (Nolze & Hielscher 2016, J. Appl. Cryst. 49, 1786):
///
/// 1. the crystal direction is reduced into the ``FundamentalSector``;
/// 2. its azimuth around the sector centre (measured from the direction to
///    [001]) is corrected numerically on a 1000-step grid so that the sector
///    vertices fall on equally spaced hues (MTEX `correctAngle`);
/// 3. its polar coordinate is the distance from the centre scaled by the
///    distance to the boundary along the same great circle;
/// 4. HSL (hue = azimuth/2π, saturation 1, lightness 0.5 + polar/2) is
///    converted to HSV and then RGB.
///
/// For m-3m this gives [001] → (1, 0, 0), [101] → (0.005, 1, 0),
/// [111] → (0, 0.009, 1), and white at the sector centre.
public struct IPFColorKey: Sendable {
    public let sector: FundamentalSector
    let rx: Vector3
    let correction: (grid: [Double], values: [Double])?

    public init(_ laueGroup: LaueGroup) {
        let s = laueGroup.fundamentalSector
        sector = s
        rx = (s.vertices.isEmpty ? Vector3(1, 0, 0) : Vector3(0, 0, 1)) - s.center
        correction = s.vertices.isEmpty ? nil : IPFColorKey.azimuthCorrection(s, rx)
    }

    /// Colour of the crystal direction parallel to sample direction `d` for orientation `g`.
    public func color(_ o: Orientation, sampleDirection d: Vector3) -> RGB { color(crystalDirection: o.rotation.apply(d)) }

    /// Colour of a crystal direction (any length > 0).
    public func color(crystalDirection v: Vector3) -> RGB {
        let h = sector.reduce(v.unit)
        var az = IPFColorKey.azimuth(sector.center, rx, h)
        if let c = correction { az = IPFColorKey.interp(az, c.grid, c.values) }
        let polar = polarCoordinate(h)
        return IPFColorKey.rgb(azimuth: az, lightness: 0.5 + polar / 2)
    }

    func polarCoordinate(_ v: Vector3) -> Double {
        let c = sector.center
        if sector.normals.allSatisfy({ $0.dot(c) == 0 }) { return c.angle(to: v) / .pi }
        let vcn = v.cross(c).unit
        var polar = Double.infinity
        for n in sector.normals {
            let bp = vcn.cross(n).unit
            var d: Double
            if bp.norm == 0 {
                d = 1
            } else {
                let den = (-c).angle(to: bp)
                d = den == 0 ? 1 : (-v).angle(to: bp) / den
            }
            polar = min(polar, d)
        }
        return polar
    }

    static func azimuth(_ center: Vector3, _ rx0: Vector3, _ v: Vector3) -> Double {
        let rx = (rx0 - rx0.dot(center) * center).unit
        let ry = center.cross(rx).unit
        let dv = (v - center).unit
        var a = atan2(ry.dot(dv), rx.dot(dv))
        if a.isNaN { a = 0 }
        a = a.truncatingRemainder(dividingBy: 2 * .pi)
        if a < 0 { a += 2 * .pi }
        return a
    }

    /// The numerical azimuth correction of MTEX `correctAngle` (1000 steps).
    static func azimuthCorrection(_ s: FundamentalSector, _ rx: Vector3) -> (grid: [Double], values: [Double]) {
        let m = 1000
        let c = s.center
        let grid = (0..<m).map { 2 * Double.pi * Double($0) / Double(m - 1) }
        let n0 = rx.cross(c).unit
        var polar = [Double](repeating: 0, count: m - 1)
        for k in 0..<(m - 1) {
            let normal = Rotation(axis: c, angle: grid[k]).apply(n0)
            var best = Double.infinity
            for sn in s.normals { best = min(best, sn.cross(normal).angle(to: c)) }
            polar[k] = best
        }
        if s.vertices.count == 3 {
            var b = s.vertices.map { azimuth(c, rx, $0) }.sorted().map { Int((Double(m) * $0 / (2 * .pi)).rounded(.toNearestOrEven)) }
            if b[0] < 10 { b.removeFirst() }
            func normalise(_ r: Range<Int>) {
                let r = r.clamped(to: 0..<polar.count)
                let sum = r.reduce(0.0) { $0 + polar[$1] }
                guard sum > 0 else { return }
                for i in r { polar[i] /= sum / 3 }
            }
            normalise(0..<b[0])
            normalise(b[0]..<b[1])
            normalise(b[1]..<polar.count)
        }
        let total = polar.reduce(0, +)
        var values = [0.0]
        var acc = 0.0
        for p in polar {
            acc += p / total
            values.append(2 * .pi * acc)
        }
        return (grid, values)
    }

    static func interp(_ x: Double, _ xp: [Double], _ fp: [Double]) -> Double {
        if x <= xp[0] { return fp[0] }
        if x >= xp[xp.count - 1] { return fp[fp.count - 1] }
        let step = xp[1] - xp[0]
        var i = min(xp.count - 2, Int(x / step))
        while i > 0 && xp[i] > x { i -= 1 }
        while i < xp.count - 2 && xp[i + 1] < x { i += 1 }
        let t = (x - xp[i]) / (xp[i + 1] - xp[i])
        return fp[i] + t * (fp[i + 1] - fp[i])
    }

    /// HSL(hue = azimuth/2π, s = 1, l) → HSV → RGB (matplotlib's hsv_to_rgb).
    static func rgb(azimuth: Double, lightness l: Double) -> RGB {
        var h = (azimuth / (2 * .pi)).truncatingRemainder(dividingBy: 1)
        if h < 0 { h += 1 }
        let l2 = 2 * l
        let s2 = l2 <= 1 ? l2 : 2 - l2
        var sat = 2 * s2 / (l2 + s2)
        if sat.isNaN { sat = 0 }
        let v = (l2 + s2) / 2
        if sat == 0 { return RGB(v, v, v) }
        let i = Int((h * 6).rounded(.down))
        let f = h * 6 - Double(i)
        let p = v * (1 - sat), q = v * (1 - sat * f), t = v * (1 - sat * (1 - f))
        switch ((i % 6) + 6) % 6 {
        case 0: return RGB(v, t, p)
        case 1: return RGB(q, v, p)
        case 2: return RGB(p, v, t)
        case 3: return RGB(p, q, v)
        case 4: return RGB(t, p, v)
        default: return RGB(v, p, q)
        }
    }

    /// A lookup table of the key on a fine grid of the stereographic
    /// projection of the sector, for colouring millions of pixels fast
    /// (nearest grid node of a 384² grid by default, built in parallel).
    public func lookupTable(size n: Int = 384) -> IPFColorTable {
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for i in 0...400 {
            for j in 0...100 {
                let phi = 2 * Double.pi * Double(i) / 400, ct = Double(j) / 100, st = (1 - ct * ct).squareRoot()
                let v = Vector3(st * cos(phi), st * sin(phi), ct)
                if sector.contains(v) {
                    let x = v.x / (1 + v.z), y = v.y / (1 + v.z)
                    minX = min(minX, x)
                    maxX = max(maxX, x)
                    minY = min(minY, y)
                    maxY = max(maxY, y)
                }
            }
        }
        let pad = 0.02 * max(maxX - minX, maxY - minY)
        minX -= pad
        minY -= pad
        maxX += pad
        maxY += pad
        var rgb = [UInt8](repeating: 0, count: n * n * 3)
        let (x0, y0, sx, sy) = (minX, minY, maxX - minX, maxY - minY)
        rgb.withUnsafeMutableBufferPointer { buf in
            let out = UncheckedPointer(buf.baseAddress!)
            parallelFor(n) { iy in
                for ix in 0..<n {
                    let x = x0 + (Double(ix) + 0.5) / Double(n) * sx, y = y0 + (Double(iy) + 0.5) / Double(n) * sy
                    let r2 = x * x + y * y
                    let c = color(crystalDirection: Vector3(2 * x, 2 * y, 1 - r2) / (1 + r2)).bytes
                    let o = 3 * (iy * n + ix)
                    out.p[o] = c.0
                    out.p[o + 1] = c.1
                    out.p[o + 2] = c.2
                }
            }
        }
        return IPFColorTable(sector: sector, size: n, minX: minX, minY: minY, spanX: maxX - minX, spanY: maxY - minY, rgb: rgb)
    }
}

/// A precomputed IPF colour key (see ``IPFColorKey/lookupTable(size:)``).
public struct IPFColorTable: Sendable {
    public let sector: FundamentalSector
    let size: Int
    let minX: Double, minY: Double, spanX: Double, spanY: Double
    let rgb: [UInt8]

    /// 8-bit colour of a crystal direction.
    @inlinable public func color(crystalDirection v: Vector3) -> (UInt8, UInt8, UInt8) {
        let h = sector.reduce(v.unit)
        return lookup(h.x / (1 + h.z), h.y / (1 + h.z))
    }

    @usableFromInline func lookup(_ x: Double, _ y: Double) -> (UInt8, UInt8, UInt8) {
        let ix = min(size - 1, max(0, Int((x - minX) / spanX * Double(size))))
        let iy = min(size - 1, max(0, Int((y - minY) / spanY * Double(size))))
        let o = 3 * (iy * size + ix)
        return (rgb[o], rgb[o + 1], rgb[o + 2])
    }
}
