import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import Grains

/// Publication map pictures: each map pixel becomes an `scale × scale`
/// block (crisp, integer up-scaling), with HAGB drawn black and LAGB white
/// on the pixel edges (as in the reference study), not-indexed pixels in
/// `unindexedColor`, optional band-contrast/IQ shading, and a footer with a
/// scale bar in real units and, for IPF maps, the colour-key triangle.
public struct MapRenderer: Sendable {
    public var scale = 4
    public var boundaries: BoundaryMap?
    public var highColor: (UInt8, UInt8, UInt8) = (0, 0, 0)
    public var lowColor: (UInt8, UInt8, UInt8) = (255, 255, 255)
    public var unindexedColor: (UInt8, UInt8, UInt8) = (0, 0, 0)
    /// Multiply colours by this per-pixel quality (normalised to 0…1 from its 1st–99th percentile).
    public var shading: [Float]?
    public var scaleBar = true
    public var legend = true

    public init(scale: Int = 4, boundaries: BoundaryMap? = nil) {
        self.scale = scale
        self.boundaries = boundaries
    }

    public func render(_ map: CrystalMap, _ layer: MapLayer) -> RGBImage {
        let g = map.grid, s = scale
        let w = g.columns * s, mapH = g.rows * s
        let footer = (scaleBar || legend) ? max(70, min(220, w / 4)) : 0
        var img = RGBImage(width: w, height: mapH + footer)
        let colors = MapRenderer.colors(map, layer, unindexed: unindexedColor, shading: nil)
        let shade = shading.map(MapRenderer.normalise)
        for i in 0..<map.count {
            var c = colors[i]
            if let sh = shade, map.isIndexed(i) {
                let f = Double(sh[i])
                c = (UInt8(Double(c.0) * f), UInt8(Double(c.1) * f), UInt8(Double(c.2) * f))
            }
            img.fillRect(x: (i % g.columns) * s, y: (i / g.columns) * s, w: s, h: s, c)
        }
        if let b = boundaries {
            // LAGB first, then HAGB on top; each drawn on the shared pixel edge.
            for pass in [BoundaryKind.low, .high] {
                let col = pass == .high ? highColor : lowColor
                let t = max(1, s / 2)
                for i in 0..<map.count {
                    let r = i / g.columns, c = i % g.columns
                    if b.right[i] == pass { img.fillRect(x: (c + 1) * s - t / 2 - (t % 2 == 0 ? 0 : 0), y: r * s, w: t, h: s, col) }
                    if b.down[i] == pass { img.fillRect(x: c * s, y: (r + 1) * s - t / 2, w: s, h: t, col) }
                }
            }
        }
        if footer > 0 {
            var used = 0
            if scaleBar { used = drawScaleBar(&img, grid: g, top: mapH, footer: footer) }
            if legend {
                switch layer {
                case .ipf(let d):
                    let keySize = min(footer - 16, w - used - 16 - RGBImage.textWidth("IPF-X", scale: 2) - 10)
                    if let phase = map.phases.first?.phase, keySize >= 40 {
                        let key = IPFKeyImage.render(phase.laueGroup, size: keySize)
                        img.blit(key, x: w - key.width - 8, y: mapH + 8)
                        let dir = d.x == 1 ? "X" : d.y == 1 ? "Y" : "Z"
                        img.text("IPF-\(dir)", x: w - key.width - 8 - RGBImage.textWidth("IPF-X", scale: 2) - 10, y: mapH + 10, scale: 2)
                    }
                case .scalar(_, let range, let label):
                    drawRamp(&img, x: w - 150, y: mapH + 14, range: range, label: label)
                default: break
                }
            }
        }
        return img
    }

    /// The colour of every pixel of `layer` (row-major), `unindexed` where nothing is shown; with `shading`, indexed
    /// pixels are darkened by the quality normalised to 0.15…1 between its 1st and 99th percentiles.
    public static func colors(
        _ map: CrystalMap, _ layer: MapLayer, unindexed: (UInt8, UInt8, UInt8) = (0, 0, 0), shading: [Float]? = nil
    ) -> [(UInt8, UInt8, UInt8)] {
        var out = [(UInt8, UInt8, UInt8)](repeating: unindexed, count: map.count)
        switch layer {
        case .ipf(let d):
            // The colour table is used where the key is continuous (three-cornered sectors);
            // m-3's key has hue jumps on its boundary (as MTEX warns), so it is evaluated exactly.
            let keys = map.phases.map { IPFColorKey($0.phase.laueGroup) }
            let tables = keys.map { $0.sector.vertices.count == 3 ? $0.lookupTable() : nil }
            out.withUnsafeMutableBufferPointer { ob in
                let o = UncheckedPointer(ob.baseAddress!)
                parallelFor(map.grid.rows) { r in
                    for c in 0..<map.grid.columns {
                        let i = r * map.grid.columns + c
                        guard map.phaseIndex[i] >= 0 else { continue }
                        let p = Int(map.phaseIndex[i]), v = map.rotations[i].apply(d)
                        o.p[i] = tables[p]?.color(crystalDirection: v) ?? keys[p].color(crystalDirection: v).bytes
                    }
                }
            }
        case .phase:
            for i in 0..<map.count where map.phaseIndex[i] >= 0 { out[i] = phaseColor(Int(map.phaseIndex[i])) }
        case .grains(let gm):
            for i in 0..<map.count where gm.labels[i] >= 0 {
                var h = UInt64(gm.labels[i]) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 29
                out[i] = (UInt8(60 + (h & 0xBF)), UInt8(60 + ((h >> 8) & 0xBF)), UInt8(60 + ((h >> 16) & 0xBF)))
            }
        case .scalar(let v, let range, _):
            for i in 0..<map.count where v[i].isFinite {
                out[i] = MapRenderer.ramp((v[i] - range.lowerBound) / max(1e-12, range.upperBound - range.lowerBound))
            }
        }
        if let sh = shading.map(MapRenderer.normalise) {
            for i in 0..<map.count where map.isIndexed(i) {
                let f = Double(sh[i]), c = out[i]
                out[i] = (UInt8(Double(c.0) * f), UInt8(Double(c.1) * f), UInt8(Double(c.2) * f))
            }
        }
        return out
    }

    /// The colour of phase number `index` (0-based) in phase maps and their legends.
    public static func phaseColor(_ index: Int) -> (UInt8, UInt8, UInt8) {
        let palette: [(UInt8, UInt8, UInt8)] = [
            (230, 60, 50), (40, 120, 220), (60, 180, 80), (240, 190, 40), (150, 80, 200), (40, 200, 200),
        ]
        return palette[index % palette.count]
    }

    /// A blue → green → yellow ramp (viridis-like) for t ∈ 0…1.
    public static func ramp(_ t: Float) -> (UInt8, UInt8, UInt8) {
        let stops: [(Float, Float, Float)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
        let x = min(1, max(0, t)) * Float(stops.count - 1)
        let i = min(stops.count - 2, Int(x)), f = x - Float(i)
        let a = stops[i], b = stops[i + 1]
        return (UInt8(a.0 + (b.0 - a.0) * f), UInt8(a.1 + (b.1 - a.1) * f), UInt8(a.2 + (b.2 - a.2) * f))
    }

    static func normalise(_ v: [Float]) -> [Float] {
        let finite = v.filter { $0.isFinite }.sorted()
        guard finite.count > 1 else { return v.map { _ in 1 } }
        let lo = finite[finite.count / 100], hi = finite[(finite.count * 99) / 100]
        return v.map { $0.isFinite && hi > lo ? min(1, max(0.15, ($0 - lo) / (hi - lo))) : 1 }
    }

    /// A "nice" bar length (1, 2 or 5 × 10ⁿ µm) about a fifth of the map width.
    public static func niceLength(_ target: Double) -> Double {
        let p = pow(10, floor(log10(target)))
        for m in [5.0, 2.0, 1.0] where m * p <= target { return m * p }
        return p
    }

    /// Draws the bar and its label at the left of the footer; returns the width used.
    @discardableResult
    func drawScaleBar(_ img: inout RGBImage, grid g: MapGrid, top: Int, footer: Int) -> Int {
        let widthMicrons = Double(g.columns) * g.stepX
        let len = MapRenderer.niceLength(widthMicrons / 5)
        let px = Int((len / g.stepX * Double(scale)).rounded())
        let y = top + footer / 2
        img.fillRect(x: 10, y: y, w: px, h: max(4, scale), (0, 0, 0))
        let label = String(format: "%g µm", len)
        img.text(label, x: 10, y: y - 22, scale: 2)
        return 10 + max(px, RGBImage.textWidth(label, scale: 2))
    }

    func drawRamp(_ img: inout RGBImage, x: Int, y: Int, range: ClosedRange<Float>, label: String) {
        for k in 0..<128 { img.fillRect(x: x + k, y: y + 18, w: 1, h: 14, MapRenderer.ramp(Float(k) / 127)) }
        // three significant digits, two where both ends would run into each other
        let digits = RGBImage.textWidth(String(format: "%.3g %.3g", range.lowerBound, range.upperBound), scale: 2) > 128 ? 2 : 3
        img.text(String(format: "%.\(digits)g", range.lowerBound), x: x, y: y + 36, scale: 2)
        let hi = String(format: "%.\(digits)g", range.upperBound)
        img.text(hi, x: x + 128 - RGBImage.textWidth(hi, scale: 2), y: y + 36, scale: 2)
        img.text(label, x: x, y: y, scale: 2)
    }
}

extension RGBImage {
    public mutating func blit(_ o: RGBImage, x: Int, y: Int) {
        for yy in 0..<o.height {
            for xx in 0..<o.width {
                let k = 3 * (yy * o.width + xx)
                set(x + xx, y + yy, (o.pixels[k], o.pixels[k + 1], o.pixels[k + 2]))
            }
        }
    }
}
