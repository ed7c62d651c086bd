import Foundation
import Crystallography
import CrystalMaps
import Grains

/// Charts as SVG (vector, for papers) and PNG (for quick looks).
public enum Plots {
    /// Grain-size histogram: number- and area-weighted fractions per ECD bin.
    public static func histogramSVG(edges: [Double], number: [Double], area: [Double], title: String) -> String {
        let w = 640.0, h = 400.0, left = 60.0, bottom = 50.0, top = 40.0, right = 20.0
        let pw = w - left - right, ph = h - top - bottom
        let ymax = max(number.max() ?? 0, area.max() ?? 0, 1e-9)
        let n = number.count
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" "
            + "font-size=\"12\">\n"
        s +=
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"\(w / 2)\" y=\"22\" text-anchor=\"middle\" "
            + "font-size=\"15\">\(escape(title))</text>\n"
        let bw = pw / Double(max(1, n))
        for k in 0..<n {
            let x = left + Double(k) * bw
            let hn = number[k] / ymax * ph, ha = area[k] / ymax * ph
            s += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4C72B0\"/>\n", x + 1, top + ph - hn, bw / 2 - 1,
                hn)
            s += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#DD8452\"/>\n", x + bw / 2, top + ph - ha,
                bw / 2 - 1, ha)
        }
        s += String(
            format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", left, top + ph, left + pw, top + ph)
        s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", left, top, left, top + ph)
        for k in stride(from: 0, through: n, by: max(1, n / 5)) {
            s += String(
                format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.3g</text>\n", left + Double(k) * bw, top + ph + 16, edges[k])
        }
        for t in 0...4 {
            let v = ymax * Double(t) / 4
            s += String(
                format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n", left - 6, top + ph - Double(t) / 4 * ph + 4, v)
        }
        s += String(
            format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">equivalent-circle diameter (µm)</text>\n", left + pw / 2, h - 12)
        s += String(
            format: "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">fraction</text>\n", top + ph / 2,
            top + ph / 2)
        s += String(
            format: "<rect x=\"%.1f\" y=\"32\" width=\"12\" height=\"12\" fill=\"#4C72B0\"/><text x=\"%.1f\" y=\"42\">number</text>\n",
            w - 190, w - 174)
        s += String(
            format: "<rect x=\"%.1f\" y=\"32\" width=\"12\" height=\"12\" fill=\"#DD8452\"/><text x=\"%.1f\" y=\"42\">area</text>\n",
            w - 100, w - 84)
        return s + "</svg>\n"
    }

    /// Grain-size histogram as a PNG-ready image: number- (blue) and area-weighted (orange)
    /// fractions per ECD bin, with axis ticks in µm and %, axis titles and a legend.
    public static func histogramPNG(edges: [Double], number: [Double], area: [Double]) -> RGBImage {
        let w = 640, h = 400, left = 64, bottom = 56, top = 40
        var img = RGBImage(width: w, height: h)
        let pw = w - left - 20, ph = h - top - bottom
        let ymax = max(number.max() ?? 0, area.max() ?? 0, 1e-9)
        let n = number.count, bw = pw / max(1, n)
        let blue: (UInt8, UInt8, UInt8) = (76, 114, 176), orange: (UInt8, UInt8, UInt8) = (221, 132, 82)
        for k in 0..<n {
            let hn = Int(number[k] / ymax * Double(ph)), ha = Int(area[k] / ymax * Double(ph))
            img.fillRect(x: left + k * bw + 1, y: top + ph - hn, w: bw / 2 - 1, h: hn, blue)
            img.fillRect(x: left + k * bw + bw / 2, y: top + ph - ha, w: bw / 2 - 1, h: ha, orange)
        }
        img.fillRect(x: left, y: top + ph, w: pw, h: 2, (0, 0, 0))
        img.fillRect(x: left - 2, y: top, w: 2, h: ph, (0, 0, 0))
        // x ticks: bin edges in µm
        for k in stride(from: 0, through: n, by: max(1, n / 5)) {
            let label = String(format: "%.3g", edges[k])
            img.fillRect(x: left + k * bw, y: top + ph + 2, w: 1, h: 4, (0, 0, 0))
            img.text(label, x: left + k * bw - RGBImage.textWidth(label, scale: 1) / 2, y: top + ph + 9, scale: 1)
        }
        let xTitle = "ECD (µm)"
        img.text(xTitle, x: left + pw / 2 - RGBImage.textWidth(xTitle, scale: 2) / 2, y: h - 22, scale: 2)
        // y ticks: fractions in %
        let steps = 4
        for t in 0...steps {
            let v = ymax * Double(t) / Double(steps)
            let y = top + ph - Int(Double(ph) * Double(t) / Double(steps))
            img.fillRect(x: left - 6, y: y, w: 4, h: 1, (0, 0, 0))
            let label = String(format: "%.0f", v * 100)
            img.text(label, x: left - 9 - RGBImage.textWidth(label, scale: 1), y: y - 3, scale: 1)
        }
        img.text("%", x: left - 34, y: top - 24, scale: 2)
        // legend
        let lx = w - 220
        img.fillRect(x: lx, y: 12, w: 12, h: 12, blue)
        img.text("NUMBER", x: lx + 18, y: 14, scale: 1)
        img.fillRect(x: lx + 90, y: 12, w: 12, h: 12, orange)
        img.text("AREA", x: lx + 108, y: 14, scale: 1)
        return img
    }

    /// Crystal directions (parallel to a sample direction) of all indexed
    /// pixels of phase 0, reduced into its sector, in stereographic projection.
    static func sectorPoints(_ map: CrystalMap, _ d: Vector3, maxPoints: Int = 20000) -> (LaueGroup, [(Double, Double)]) {
        let group = map.phases.first?.phase.laueGroup ?? .cubicHigh
        let sector = group.fundamentalSector
        var pts: [(Double, Double)] = []
        let stride = max(1, map.count / maxPoints)
        for i in Swift.stride(from: 0, to: map.count, by: stride) where map.phaseIndex[i] == 0 {
            let v = sector.reduce(map.rotations[i].apply(d)).unit
            pts.append((v.x / (1 + v.z), v.y / (1 + v.z)))
        }
        return (group, pts)
    }

    /// Inverse pole figure scatter (SVG) of the pixels' crystal directions along `d`.
    public static func ipfScatterSVG(_ map: CrystalMap, direction d: Vector3, title: String) -> String {
        let (group, pts) = sectorPoints(map, d)
        let (outline, sx, sy, span) = sectorOutline(group)
        let size = 420.0, m = 30.0
        func tx(_ x: Double) -> Double { m + (x - sx) / span * (size - 2 * m) }
        func ty(_ y: Double) -> Double { size - m - (y - sy) / span * (size - 2 * m) }
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(size))\" height=\"\(Int(size))\" font-family=\"sans-serif\" "
            + "font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(size / 2)\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">\(escape(title))</text>\n"
        s +=
            "<polygon fill=\"none\" stroke=\"black\" points=\""
            + outline.map { String(format: "%.1f,%.1f", tx($0.0), ty($0.1)) }.joined(separator: " ") + "\"/>\n"
        let key = IPFColorKey(group)
        for p in pts {
            let r2 = p.0 * p.0 + p.1 * p.1
            let c = key.color(crystalDirection: Vector3(2 * p.0, 2 * p.1, 1 - r2) / (1 + r2)).bytes
            s += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"rgb(%d,%d,%d)\"/>\n", tx(p.0), ty(p.1), c.0, c.1, c.2)
        }
        for v in group.fundamentalSector.vertices {
            let u = v.unit
            s += String(
                format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>\n", tx(u.x / (1 + u.z)), ty(u.y / (1 + u.z)) + 16,
                IPFKeyImage.millerLabel(v))
        }
        return s + "</svg>\n"
    }

    /// Inverse pole figure density (PNG): point density in the sector, smoothed, on the ramp.
    public static func ipfDensityPNG(_ map: CrystalMap, direction d: Vector3, size: Int = 360) -> RGBImage {
        let (group, pts) = sectorPoints(map, d, maxPoints: 200_000)
        let (_, sx, sy, span) = sectorOutline(group)
        let sector = group.fundamentalSector
        var grid = [Double](repeating: 0, count: size * size)
        for p in pts {
            let x = Int((p.0 - sx) / span * Double(size - 1)), y = Int((p.1 - sy) / span * Double(size - 1))
            if x >= 0, y >= 0, x < size, y < size { grid[(size - 1 - y) * size + x] += 1 }
        }
        // box blur ×3 ≈ Gaussian
        let r = max(2, size / 40)
        for _ in 0..<3 {
            var out = grid
            for y in 0..<size {
                for x in 0..<size {
                    var s = 0.0, k = 0.0
                    for dx in -r...r where x + dx >= 0 && x + dx < size {
                        s += grid[y * size + x + dx]
                        k += 1
                    }
                    out[y * size + x] = s / k
                }
            }
            grid = out
            for x in 0..<size {
                for y in 0..<size {
                    var s = 0.0, k = 0.0
                    for dy in -r...r where y + dy >= 0 && y + dy < size {
                        s += out[(y + dy) * size + x]
                        k += 1
                    }
                    grid[y * size + x] = s / k
                }
            }
        }
        var img = RGBImage(width: size, height: size)
        var inside = [Bool](repeating: false, count: size * size)
        var total = 0.0, n = 0.0
        for y in 0..<size {
            for x in 0..<size {
                let px = sx + Double(x) / Double(size - 1) * span, py = sy + Double(size - 1 - y) / Double(size - 1) * span
                let r2 = px * px + py * py
                if sector.contains(Vector3(2 * px, 2 * py, 1 - r2) / (1 + r2)) {
                    inside[y * size + x] = true
                    total += grid[y * size + x]
                    n += 1
                }
            }
        }
        let mean = n > 0 ? total / n : 1
        let mx = max(1e-12, grid.enumerated().filter { inside[$0.offset] }.map(\.element).max() ?? 1) / mean
        for i in 0..<(size * size) where inside[i] {
            let c = MapRenderer.ramp(Float(grid[i] / mean / mx))
            img.set(i % size, i / size, c)
        }
        img.text(String(format: "MAX %.1f MRD", mx), x: 6, y: 6, scale: 2)
        for v in sector.vertices {
            let u = v.unit
            let x = Int((u.x / (1 + u.z) - sx) / span * Double(size - 1)),
                y = size - 1 - Int((u.y / (1 + u.z) - sy) / span * Double(size - 1))
            let label = IPFKeyImage.millerLabel(v)
            img.text(
                label, x: min(size - RGBImage.textWidth(label, scale: 2) - 2, max(2, x - RGBImage.textWidth(label, scale: 2) / 2)),
                y: y > size / 2 ? min(size - 16, y - 18) : y + 4, scale: 2)
        }
        return img
    }

    static func sectorOutline(_ g: LaueGroup) -> ([(Double, Double)], Double, Double, Double) {
        let sector = g.fundamentalSector
        var pts: [(Double, Double)] = []
        for i in 0..<720 {
            let a = Double(i) / 720 * 2 * .pi
            for t in stride(from: 0.0, through: 1.0, by: 0.01) {
                let v = Vector3(sin(t * .pi / 2) * cos(a), sin(t * .pi / 2) * sin(a), cos(t * .pi / 2))
                if sector.contains(v) { pts.append((v.x / (1 + v.z), v.y / (1 + v.z))) }
            }
        }
        let minX = pts.map(\.0).min() ?? 0, maxX = pts.map(\.0).max() ?? 1, minY = pts.map(\.1).min() ?? 0, maxY = pts.map(\.1).max() ?? 1
        // outline: boundary by angle around the centroid
        let cx = pts.map(\.0).reduce(0, +) / Double(max(1, pts.count)), cy = pts.map(\.1).reduce(0, +) / Double(max(1, pts.count))
        var byAngle: [Int: (Double, Double, Double)] = [:]
        for p in pts {
            let k = Int(((atan2(p.1 - cy, p.0 - cx) + .pi) / (2 * .pi) * 180).rounded(.down))
            let d = (p.0 - cx) * (p.0 - cx) + (p.1 - cy) * (p.1 - cy)
            if d > (byAngle[k]?.2 ?? -1) { byAngle[k] = (p.0, p.1, d) }
        }
        let outline = byAngle.keys.sorted().map { (byAngle[$0]!.0, byAngle[$0]!.1) }
        return (outline, minX, minY, max(maxX - minX, maxY - minY, 1e-9))
    }

    static func escape(_ s: String) -> String { s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;") }
}
