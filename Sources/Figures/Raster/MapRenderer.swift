import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import Grains

/// The raster of a map: each map pixel becomes an `scale × scale` block (crisp, integer up-scaling), with HAGB drawn
/// black and LAGB white on the pixel edges (as in the reference study), not-indexed pixels in `unindexedColor`, optional
/// band-contrast/IQ shading — the map's data as an image (PNG, 16-bit TIFF). Figures with a scale bar, keys and text
/// are ``Figures/MapFigure`` (cairo).
public struct MapRenderer: Sendable {
    public var scale = MapRenderer.defaultScale
    public var boundaries: BoundaryMap?
    public var highColor: (UInt8, UInt8, UInt8) = (0, 0, 0)
    public var lowColor: (UInt8, UInt8, UInt8) = (255, 255, 255)
    public var unindexedColor = MapRenderer.defaultUnindexedColor
    /// Image pixels per map pixel side unless given.
    public static let defaultScale = 4
    /// Not-indexed pixels: black unless given.
    public static let defaultUnindexedColor: (UInt8, UInt8, UInt8) = (0, 0, 0)
    /// Multiply colours by this per-pixel quality (normalised to 0…1 from its 1st–99th percentile).
    public var shading: [Float]?

    public init(scale: Int = MapRenderer.defaultScale, boundaries: BoundaryMap? = nil) {
        self.scale = scale
        self.boundaries = boundaries
    }

    public func render(_ map: CrystalMap, _ layer: MapLayer) -> RGBImage {
        let g = map.grid, s = scale
        var img = RGBImage(width: g.columns * s, height: g.rows * s)
        let colors = MapRenderer.colors(map, layer, unindexed: unindexedColor, shading: shading)
        for i in 0..<map.count { img.fillRect(x: (i % g.columns) * s, y: (i / g.columns) * s, w: s, h: s, colors[i]) }
        if let b = boundaries {
            // LAGB first, then HAGB on top; each drawn on the shared pixel edge.
            let t = max(1, s / 2)
            for pass in [BoundaryKind.low, .high] {
                let col = pass == .high ? highColor : lowColor
                for run in b.runs(pass, grid: g) {
                    let along = run.span.lowerBound * s, length = run.span.count * s, across = run.line * s - t / 2
                    if run.vertical {
                        img.fillRect(x: across, y: along, w: t, h: length, col)
                    } else {
                        img.fillRect(x: along, y: across, w: length, h: t, col)
                    }
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
                    // the phase's table is taken once per run of pixels of one phase (a copy per pixel costs 5 %)
                    var phase = -1, table: IPFColorTable?
                    for c in 0..<map.grid.columns {
                        let i = r * map.grid.columns + c
                        guard map.phaseIndex[i] >= 0 else { continue }
                        let p = Int(map.phaseIndex[i]), v = map.rotations[i].apply(d)
                        if p != phase {
                            phase = p
                            table = tables[p]
                        }
                        o.p[i] = table?.color(crystalDirection: v) ?? keys[p].color(crystalDirection: v).bytes
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
}
