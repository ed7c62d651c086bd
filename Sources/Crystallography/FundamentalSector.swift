import Foundation

/// The standard stereographic triangle (inverse-pole-figure sector) of a
/// Laue group: the directions `v` with `n · v ≥ 0` for every normal `n`.
///
/// Normals, vertices and centre follow MTEX/orix (Nolze & Hielscher 2016):
/// m-3m is bounded by [001]–[101]–[111]; m-3 has the four corners [001],
/// [101], [111], [011]; hexagonal and tetragonal sectors start at [100].
public struct FundamentalSector: Sendable {
    public let laueGroup: LaueGroup
    /// Unit normals of the bounding great circles.
    public let normals: [Vector3]
    /// Unit vertices (intersections of bounding circles inside the sector).
    public let vertices: [Vector3]
    /// Unit centre used by the colour key and by ``reduce(_:)``.
    public let center: Vector3

    public init(_ g: LaueGroup) {
        laueGroup = g
        let s3 = 3.0.squareRoot() / 2
        let raw: [Vector3]
        switch g {
        case .cubicHigh: raw = [[1, -1, 0], [-1, 0, 1], [0, 1, 0]]
        case .cubicLow: raw = [[1, 0, 0], [0, -1, 1], [-1, 0, 1], [0, 1, 0], [0, 0, 1]]
        case .hexagonalHigh: raw = [[0, 0, 1], [0, 1, 0], [0.5, -s3, 0]]
        case .hexagonalLow: raw = [[0, 0, 1], [0, 1, 0], [s3, -0.5, 0]]
        case .trigonalHigh: raw = [[0, 0, 1], [0.5, s3, 0], [0.5, -s3, 0]]
        case .trigonalLow: raw = [[0, 0, 1], [0, 1, 0], [s3, 0.5, 0]]
        case .tetragonalHigh: raw = [[0, 0, 1], [0, 1, 0], [1, -1, 0]]
        case .tetragonalLow, .orthorhombic: raw = [[0, 0, 1], [0, 1, 0], [1, 0, 0]]
        case .monoclinic: raw = [[0, 0, 1], [0, 1, 0]]
        case .triclinic: raw = [[0, 0, 1]]
        }
        let n = raw.map { $0.unit }
        normals = n
        var vs: [Vector3] = []
        for i in n.indices {
            for j in n.indices where i != j {
                let u = n[i].cross(n[j]).unit
                if u.norm == 0 { continue }
                if n.allSatisfy({ $0.dot(u) > -1e-9 }) && !vs.contains(where: { ($0 - u).norm < 1e-9 }) { vs.append(u) }
            }
        }
        vertices = vs
        // Centre: as MTEX's sphericalRegion.center.
        if n.count < 2 {
            center = n[0]
        } else if g == .cubicLow {
            center = Vector3(0.349928, 0.348069, 0.869711).unit
        } else if vs.count < 3 {
            var sum = Vector3.zero
            for a in n {
                var best = a, bestAngle = -1.0
                for b in n {
                    let t = a.angle(to: b)
                    if t > bestAngle {
                        bestAngle = t
                        best = b
                    }
                }
                sum += best
            }
            center = (sum / Double(n.count)).unit
        } else {
            center = (vs.reduce(Vector3.zero, +) / Double(vs.count)).unit
        }
    }

    /// True if `v` is inside or on the boundary (tolerance 1e-9).
    @inlinable public func contains(_ v: Vector3) -> Bool {
        for n in normals where n.dot(v) <= -1e-9 { return false }
        return true
    }

    /// The symmetric copy of the direction `v` inside the sector (the Laue
    /// group's operators, the inversion included, act on directions). A
    /// direction already inside is returned unchanged; otherwise, of the
    /// copies inside, the one closest to the sector centre is taken (this
    /// only matters on the boundary, where several copies touch the sector).
    public func reduce(_ v: Vector3) -> Vector3 {
        if laueGroup == .cubicHigh {
            // m-3m holds every signed permutation: the copy in z ≥ x ≥ y ≥ 0 is the sorted absolute values.
            var a = abs(v.x), b = abs(v.y), c = abs(v.z)
            if a > b { swap(&a, &b) }
            if b > c { swap(&b, &c) }
            if a > b { swap(&a, &b) }
            return Vector3(b, a, c)
        }
        if contains(v) { return v }
        var best = v, bestDot = -Double.infinity, bestInside = false
        for op in laueGroup.operators {
            let w = op.apply(v)
            let inside = contains(w)
            let d = w.dot(center)
            if (inside && !bestInside) || (inside == bestInside && d > bestDot + 1e-12) {
                bestDot = d
                best = w
                bestInside = inside
            }
        }
        return best
    }
}

extension LaueGroup {
    /// The group's inverse-pole-figure sector (built once).
    public var fundamentalSector: FundamentalSector { FundamentalSectorTable.all[self]! }
}

enum FundamentalSectorTable {
    static let all: [LaueGroup: FundamentalSector] = Dictionary(
        uniqueKeysWithValues: LaueGroup.allCases.map { ($0, FundamentalSector($0)) })
}
