import EBSDCore
import Foundation
import Crystallography

/// A pole figure: where the planes {hkl} of a set of orientations point in the sample frame, on the upper hemisphere
/// (plane normals are axes: a pole below the equator is shown as its antipode), and their density in multiples of
/// uniform density (MUD).
///
/// Frames: orientations as everywhere in the library (passive, Bunge; a crystal direction c lies along g⁻¹c in the
/// sample frame). The figure's plane holds sample X to the right and sample Y up, sample Z towards the viewer (upper
/// hemisphere); ``Projection`` maps a direction to a point of the unit disc.
public struct PoleFigure: Sendable {
    public enum Projection: String, Sendable, CaseIterable {
        /// Lambert azimuthal equal-area: radius √2·sin(θ/2), scaled so the equator is the unit circle.
        case equalArea = "equal-area"
        /// Stereographic: radius tan(θ/2).
        case stereographic

        /// The point of the unit disc of an upper-hemisphere unit direction.
        public func point(_ v: Vector3) -> (x: Double, y: Double) {
            let z = min(1, max(0, v.z)), rxy = (v.x * v.x + v.y * v.y).squareRoot()
            guard rxy > 1e-15 else { return (0, 0) }
            let theta = atan2(rxy, z)
            let r = self == .equalArea ? 2.0.squareRoot() * sin(theta / 2) : tan(theta / 2)
            return (r * v.x / rxy, r * v.y / rxy)
        }

        /// The upper-hemisphere direction of a point of the unit disc (nil outside it).
        public func direction(x: Double, y: Double) -> Vector3? {
            let r = (x * x + y * y).squareRoot()
            guard r <= 1 + 1e-12 else { return nil }
            guard r > 1e-15 else { return Vector3(0, 0, 1) }
            let theta = self == .equalArea ? 2 * asin(min(1, r / 2.0.squareRoot())) : 2 * atan(r)
            let s = sin(theta)
            return Vector3(s * x / r, s * y / r, cos(theta))
        }
    }

    /// The crystal-frame unit normals of the family {hkl}: every symmetric equivalent, one of each ± pair.
    public let crystalPoles: [Vector3]
    /// The orientations whose poles the figure shows (passive, sample → crystal).
    public let orientations: [Rotation]

    /// The figure of the family {hkl} of `orientations`. Poles are not stored: ``poles`` computes them on demand and
    /// ``density(size:projection:kernel:)`` counts them as it computes them, so 16 M orientations need no more memory
    /// than the orientations themselves.
    public init(orientations: [Rotation], phase: Phase, hkl: (Int, Int, Int)) {
        let n0 = phase.lattice.reciprocalVector(Double(hkl.0), Double(hkl.1), Double(hkl.2)).unit
        var family: [Vector3] = []
        for s in phase.laueGroup.properOperators {
            let v = s.apply(n0)
            if !family.contains(where: { abs($0.dot(v)) > 1 - 1e-9 }) { family.append(v) }
        }
        crystalPoles = family
        self.orientations = orientations
    }

    /// Number of poles: `crystalPoles.count` per orientation.
    public var poleCount: Int { orientations.count * crystalPoles.count }

    /// The upper-hemisphere sample-frame pole `k` of orientation `i`.
    @inlinable public func pole(_ i: Int, _ k: Int) -> Vector3 {
        let v = orientations[i].inverse.apply(crystalPoles[k])
        return v.z < 0 ? -v : v
    }

    /// Upper-hemisphere sample-frame poles, `crystalPoles.count` per orientation (computed on each call).
    public var poles: [Vector3] {
        let m = crystalPoles.count
        var out = [Vector3](repeating: .zero, count: orientations.count * m)
        out.withUnsafeMutableBufferPointer { ob in
            let o = UncheckedPointer(ob.baseAddress!)
            parallelChunks(count: orientations.count) { range in
                for i in range { for k in 0..<m { o.p[i * m + k] = pole(i, k) } }
            }
        }
        return out
    }

    /// The poles counted in the pixels of an `n` × `n` image of the unit disc in `projection` (row 0 at the top),
    /// each core counting its share of the orientations into its own histogram.
    func histogram(size n: Int, projection: Projection) -> [Double] {
        let m = crystalPoles.count
        return parallelHistogram(items: orientations.count, cells: n * n, empty: 0.0, merge: { $0 += $1 }) { items, base in
            for i in items {
                for k in 0..<m {
                    let p = projection.point(pole(i, k))
                    let c = min(n - 1, max(0, Int((p.x + 1) / 2 * Double(n)))), r = min(n - 1, max(0, Int((1 - p.y) / 2 * Double(n))))
                    base[r * n + c] += 1
                }
            }
        }
    }

    /// Pole density (MUD) on a `size` × `size` image of the unit disc in `projection` (row 0 at the top, sample Y up;
    /// NaN outside the disc): the poles are first counted in the image's own pixels, then every pixel gathers the
    /// counts of the pixels within the kernel's support (by the exact angle between pixel centres, the kernel from a
    /// table), and, near the rim, of their antipodes across it. Pixel positions quantise the poles by at most half a
    /// pixel (0.45° on a 200-pixel equal-area figure).
    public func density(size: Int, projection: Projection = PoleFigure.defaultProjection, kernel: SphericalKernel) -> [Double] {
        let n = size
        var directions = [Vector3](repeating: .zero, count: n * n), disc = [Bool](repeating: false, count: n * n)
        for r in 0..<n {
            for c in 0..<n {
                let x = (Double(c) + 0.5) / Double(n) * 2 - 1, y = 1 - (Double(r) + 0.5) / Double(n) * 2
                if let v = projection.direction(x: x, y: y) {
                    directions[r * n + c] = v
                    disc[r * n + c] = true
                } else {
                    // a pixel whose centre is outside the disc still holds the poles that fall in it: on the rim
                    let rho = (x * x + y * y).squareRoot()
                    directions[r * n + c] = Vector3(x / rho, y / rho, 0)
                }
            }
        }
        let histogram = histogram(size: n, projection: projection)
        let table = SphericalKernel.Table(kernel)
        let cosSupport = table.cosSupport
        // the smallest angle a pixel spans bounds the window: 2/n disc units per pixel, ≥ ½ disc unit per radian
        let unitsPerRadian = 0.5  // both projections: at least ½ disc unit per radian, radially and tangentially
        let reach = Int((kernel.support * unitsPerRadian * Double(n) / 2).rounded(.up)) + 1
        let rimPolar = Double.pi / 2 - kernel.support
        var density = [Double](repeating: .nan, count: n * n)
        let total = Double(poleCount)
        let dirs = directions, inside = disc, counts = histogram
        density.withUnsafeMutableBufferPointer { db in
            let d = UncheckedPointer(db.baseAddress!)
            parallelFor(n) { r in
                for c in 0..<n where inside[r * n + c] {
                    let u = dirs[r * n + c]
                    var acc = 0.0
                    func gather(_ r0: Int, _ c0: Int, sign: Double) {
                        for rr in max(0, r0 - reach)...min(n - 1, r0 + reach) {
                            for cc in max(0, c0 - reach)...min(n - 1, c0 + reach) {
                                let k = rr * n + cc
                                guard counts[k] > 0 else { continue }
                                let cosA = sign * u.dot(dirs[k])
                                if cosA >= cosSupport { acc += counts[k] * table.value(cosine: cosA) }
                            }
                        }
                    }
                    gather(r, c, sign: 1)
                    if acos(min(1, u.z)) > rimPolar { gather(n - 1 - r, n - 1 - c, sign: -1) }
                    d.p[r * n + c] = acc / total / 2
                }
            }
        }
        return density
    }
}

extension PoleFigure {
    /// The projection unless given: equal area (Lambert), which keeps densities comparable across the figure.
    public static let defaultProjection = Projection.equalArea
}
