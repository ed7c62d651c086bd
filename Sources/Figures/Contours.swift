import Foundation

/// Iso-lines of a gridded field by marching squares: for each level, the line segments (in grid coordinates, pixel
/// centres at integer + ½) where the field crosses the level, linearly interpolated along the cell edges; cells with a
/// NaN corner are skipped.
public enum Contours {
    public static func segments(_ field: [Double], width: Int, height: Int, level: Double) -> [((Double, Double), (Double, Double))] {
        var out: [((Double, Double), (Double, Double))] = []
        guard width > 1, height > 1 else { return out }
        for r in 0..<(height - 1) {
            for c in 0..<(width - 1) {
                // corners: top-left, top-right, bottom-right, bottom-left
                let v = [field[r * width + c], field[r * width + c + 1], field[(r + 1) * width + c + 1], field[(r + 1) * width + c]]
                guard v.allSatisfy({ $0.isFinite }) else { continue }
                let p = [
                    (Double(c) + 0.5, Double(r) + 0.5), (Double(c) + 1.5, Double(r) + 0.5), (Double(c) + 1.5, Double(r) + 1.5),
                    (Double(c) + 0.5, Double(r) + 1.5),
                ]
                var crossings: [(Double, Double)] = []
                for k in 0..<4 {
                    let a = v[k], b = v[(k + 1) % 4]
                    if (a < level) != (b < level) {
                        let t = (level - a) / (b - a)
                        let pa = p[k], pb = p[(k + 1) % 4]
                        crossings.append((pa.0 + t * (pb.0 - pa.0), pa.1 + t * (pb.1 - pa.1)))
                    }
                }
                if crossings.count == 2 {
                    out.append((crossings[0], crossings[1]))
                } else if crossings.count == 4 {
                    // saddle: pair by the centre value
                    let centre = v.reduce(0, +) / 4
                    if (centre < level) == (v[0] < level) {
                        out.append((crossings[0], crossings[3]))
                        out.append((crossings[1], crossings[2]))
                    } else {
                        out.append((crossings[0], crossings[1]))
                        out.append((crossings[2], crossings[3]))
                    }
                }
            }
        }
        return out
    }
}
