import Foundation
import Figures
import Grains
import CrystalMaps

/// The map cut into square tiles for zoom and pan (a slippy-map pyramid): at level L each tile pixel shows every
/// 2^L-th map point (nearest, no blending of orientations), tiles are ``size`` pixels a side, the last row and column of
/// tiles cut at the map's edge. Level 0 is one tile pixel per map point; the top level fits the map in one tile.
/// Boundaries are drawn on the points left of and above an edge: HAGB black, LAGB white (as in the figures).
public struct MapTiles: Sendable {
    public static let size = 256
    public let rows: Int, columns: Int

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// The coarsest level: the whole map in one tile.
    public var topLevel: Int {
        var level = 0
        while (max(rows, columns) + (Self.size << level) - 1) / (Self.size << level) > 1 { level += 1 }
        return level
    }

    /// Tiles across and down at `level`.
    public func tileCount(level: Int) -> (x: Int, y: Int) {
        let span = Self.size << level
        return ((columns + span - 1) / span, (rows + span - 1) / span)
    }

    /// Whether tile (`x`, `y`) of `level` exists.
    public func contains(level: Int, x: Int, y: Int) -> Bool {
        guard level >= 0, level <= topLevel else { return false }
        let n = tileCount(level: level)
        return x >= 0 && y >= 0 && x < n.x && y < n.y
    }

    /// Tile (`x`, `y`) of `level` from a layer's colours (3 bytes per point), with `boundaries` drawn when given;
    /// nil when the tile does not exist.
    public func tile(_ rgb: [UInt8], level: Int, x: Int, y: Int, boundaries: BoundaryMap?) -> RGBImage? {
        guard contains(level: level, x: x, y: y) else { return nil }
        let step = 1 << level
        let c0 = x * (Self.size << level), r0 = y * (Self.size << level)
        let w = min(Self.size, (columns - c0 + step - 1) / step), h = min(Self.size, (rows - r0 + step - 1) / step)
        var img = RGBImage(width: w, height: h, fill: (0, 0, 0))
        // edges looked at per tile pixel along its block's top row and left column (all of them up to 16)
        let probes = min(step, Self.boundaryProbes)
        for ty in 0..<h {
            let r = r0 + ty * step
            for tx in 0..<w {
                let c = c0 + tx * step, i = r * columns + c, o = 3 * (ty * w + tx)
                var colour = (rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2])
                if let b = boundaries {
                    var kind = BoundaryKind.none
                    for k in 0..<probes where kind != .high {
                        let along = k * step / probes
                        let right = r * columns + min(columns - 1, c + along), down = min(rows - 1, r + along) * columns + c
                        for e in [b.right[right], b.down[right], b.right[down], b.down[down]] where e != .none {
                            if e == .high || kind == .none { kind = e }
                        }
                    }
                    if kind == .high { colour = (0, 0, 0) } else if kind == .low { colour = (255, 255, 255) }
                }
                img.pixels[o] = colour.0
                img.pixels[o + 1] = colour.1
                img.pixels[o + 2] = colour.2
            }
        }
        return img
    }

    /// Edge probes per tile pixel at coarse levels.
    static let boundaryProbes = 16
}
