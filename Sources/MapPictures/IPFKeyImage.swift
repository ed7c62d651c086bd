import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import Grains

/// The IPF colour key of a Laue group drawn in its standard stereographic
/// triangle (projection from the south pole, as orix), with the corner directions labelled.
public enum IPFKeyImage {
    public static func render(_ group: LaueGroup, size: Int) -> RGBImage {
        let key = IPFColorKey(group)
        let sector = group.fundamentalSector
        // Bounds of the projected sector from points on its boundary and vertices.
        var pts: [(Double, Double)] = []
        let samples = 200
        for i in 0...samples {
            for j in 0...samples {
                let v = SquareLambertLike.hemisphere(Double(i) / Double(samples), Double(j) / Double(samples))
                if sector.contains(v) { pts.append(stereo(v)) }
            }
        }
        guard !pts.isEmpty else { return RGBImage(width: size, height: size) }
        let minX = pts.map(\.0).min()!, maxX = pts.map(\.0).max()!, minY = pts.map(\.1).min()!, maxY = pts.map(\.1).max()!
        let labelSpace = 16
        let inner = size - 2 * labelSpace
        let span = max(maxX - minX, maxY - minY, 1e-9)
        var img = RGBImage(width: size, height: size)
        for py in 0..<inner {
            for px in 0..<inner {
                let x = minX + (Double(px) + 0.5) / Double(inner) * span
                let y = maxY - (Double(py) + 0.5) / Double(inner) * span
                let r2 = x * x + y * y
                let v = Vector3(2 * x, 2 * y, 1 - r2) / (1 + r2)
                if sector.contains(v) { img.set(px + labelSpace, py + labelSpace, key.color(crystalDirection: v).bytes) }
            }
        }
        // corner labels
        for vtx in sector.vertices {
            let (x, y) = stereo(vtx)
            let px = Int((x - minX) / span * Double(inner)) + labelSpace, py = Int((maxY - y) / span * Double(inner)) + labelSpace
            let label = millerLabel(vtx)
            let tx = min(size - RGBImage.textWidth(label, scale: 1) - 1, max(0, px - RGBImage.textWidth(label, scale: 1) / 2))
            let ty = py < size / 2 ? max(0, py - 12) : min(size - 8, py + 4)
            img.text(label, x: tx, y: ty, scale: 1)
        }
        return img
    }

    static func stereo(_ v: Vector3) -> (Double, Double) {
        let u = v.unit
        return (u.x / (1 + u.z), u.y / (1 + u.z))
    }

    /// Smallest integer indices for a unit direction, e.g. [101].
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

/// Uniform-ish sampling of the northern hemisphere for bounds.
enum SquareLambertLike {
    static func hemisphere(_ a: Double, _ b: Double) -> Vector3 {
        let phi = 2 * .pi * a, ct = b
        let st = (1 - ct * ct).squareRoot()
        return Vector3(st * cos(phi), st * sin(phi), ct)
    }
}
