import Foundation

/// A crystal orientation: a ``Rotation`` (passive, sample → crystal) plus the
/// crystal's ``LaueGroup``. Symmetrically equivalent orientations are
/// `s g` for the proper operators `s` of the group.
///
/// Example: `Orientation(Rotation(axis: [0, 0, 1], angle: .pi / 2), .cubicHigh)`
/// is equivalent to the identity: `.reduced().rotation.angle == 0`.
public struct Orientation: Hashable, Sendable {
    public var rotation: Rotation
    public var laueGroup: LaueGroup
    public init(_ rotation: Rotation, _ laueGroup: LaueGroup) {
        self.rotation = rotation
        self.laueGroup = laueGroup
    }

    /// The equivalent `s g` with the smallest rotation angle (the
    /// representative in the Rodrigues fundamental zone). Ties on the zone
    /// boundary go to the first operator in ``LaueGroup/properOperators``.
    public var reduced: Orientation {
        var best = rotation, bestA = abs(rotation.q.a)
        for s in laueGroup.properOperators.dropFirst() {
            let a = abs(Quaternion.productScalar(s.q, rotation.q))
            if a > bestA + 1e-14 {
                bestA = a
                best = s * rotation
            }
        }
        return Orientation(best, laueGroup)
    }

    /// True if no symmetric equivalent has a smaller angle (within `tolerance` on cos(ω/2)).
    public func isInFundamentalZone(tolerance: Double = 1e-12) -> Bool {
        let a = abs(rotation.q.a)
        for s in laueGroup.properOperators.dropFirst() where abs(Quaternion.productScalar(s.q, rotation.q)) > a + tolerance {
            return false
        }
        return true
    }

    /// Misorientation `m = g2 g1⁻¹` from `self` (g1) to `other` (g2): maps
    /// crystal-1 coordinates to crystal-2 coordinates.
    public func misorientation(to other: Orientation) -> Misorientation {
        Misorientation(other.rotation * rotation.inverse, from: laueGroup, to: other.laueGroup)
    }

    /// The disorientation (smallest equivalent misorientation) to `other`.
    public func disorientation(to other: Orientation) -> Misorientation { misorientation(to: other).reduced }

    /// Disorientation angle in radians (fast path; no axis).
    @inlinable public func disorientationAngle(to other: Orientation) -> Double {
        let m = Quaternion.productTimesConjugate(other.rotation.q, rotation.q)
        if laueGroup == other.laueGroup { return laueGroup.disorientationAngle(m) }
        return misorientation(to: other).reduced.angle
    }

    /// Crystal direction parallel to the sample direction `d` (`g d`), not reduced.
    @inlinable public func crystalDirection(alongSample d: Vector3) -> Vector3 { rotation.apply(d) }

    /// The Bunge (ZXZ, passive) Euler angles of the stored rotation, as it is — not reduced into
    /// the fundamental zone; symmetrically equivalent orientations can give different angles.
    public var euler: EulerAngles { rotation.euler }
}

extension Quaternion {
    /// `p * conj(q)`.
    @inlinable public static func productTimesConjugate(_ p: Quaternion, _ q: Quaternion) -> Quaternion {
        p * q.conjugate
    }
}

extension LaueGroup {
    /// Largest |cos(ω/2)| over `m s` (s proper) and the squared norm of that
    /// element's vector part, computed from its own components so that small
    /// angles keep full precision.
    @inlinable public func bestScalar(_ m: Quaternion) -> (c: Double, v2: Double) {
        if self == .cubicHigh {
            // The 24 elements of 432 give |mi|, (|mi|+|mj|)/√2 and (Σ|mi|)/2;
            // each winner's other components follow from an orthonormal basis.
            var v0 = abs(m.a), v1 = abs(m.b), v2 = abs(m.c), v3 = abs(m.d)
            if v0 < v1 { swap(&v0, &v1) }
            if v2 < v3 { swap(&v2, &v3) }
            if v0 < v2 { swap(&v0, &v2) }
            if v1 < v3 { swap(&v1, &v3) }
            if v1 < v2 { swap(&v1, &v2) }
            let s = (v0 + v1 + v2 + v3) * 0.5
            let p = (v0 + v1) * 0.7071067811865476
            if v0 >= p && v0 >= s { return (v0, v1 * v1 + v2 * v2 + v3 * v3) }
            if p >= s {
                let a = v0 - v1, b = v2 + v3, c = v2 - v3
                return (p, 0.5 * (a * a + b * b + c * c))
            }
            let a = v0 + v1 - v2 - v3, b = v0 - v1 + v2 - v3, c = v0 - v1 - v2 + v3
            return (s, 0.25 * (a * a + b * b + c * c))
        }
        var best = Quaternion.identity, bestC = -1.0
        for s in properOperators {
            let c = abs(Quaternion.productScalar(m, s.q))
            if c > bestC {
                bestC = c
                best = m * s.q
            }
        }
        return (bestC, best.b * best.b + best.c * best.c + best.d * best.d)
    }

    /// Largest |cos(ω/2)| over `m s`, s proper: the disorientation's cos(ω/2).
    @inlinable public func maxAbsScalar(_ m: Quaternion) -> Double { bestScalar(m).c }

    /// Disorientation angle (radians) of a misorientation quaternion between two crystals of this group.
    @inlinable public func disorientationAngle(_ m: Quaternion) -> Double {
        let b = bestScalar(m)
        return 2 * atan2(b.v2.squareRoot(), b.c)
    }
}

extension Orientation {
    /// Mean of orientations that respects symmetry: each is replaced by the
    /// equivalent closest to the running mean, the aligned quaternions are
    /// summed, and this is iterated until the mean stops moving. Suited to
    /// the orientations of one grain (spread well below the zone size).
    public static func mean(_ orientations: [Orientation]) -> Orientation? {
        guard let first = orientations.first else { return nil }
        let group = first.laueGroup
        let ops = group.properOperators.map { $0.q }
        var mean = first.rotation.q
        for _ in 0..<20 {
            // dot(mean, s q) = dot(s* mean, q): rotate the mean once per operator, then 4-term dots per member.
            let probes = ops.map { $0.conjugate * mean }
            var sum = Quaternion(0, 0, 0, 0)
            for o in orientations {
                let q = o.rotation.q
                var bestK = 0, bestDot = probes[0].dot(q)
                for k in 1..<probes.count {
                    let d = probes[k].dot(q)
                    if abs(d) > abs(bestDot) {
                        bestDot = d
                        bestK = k
                    }
                }
                var best = bestK == 0 ? q : ops[bestK] * q
                if bestDot < 0 { best = -best }
                sum = Quaternion(sum.a + best.a, sum.b + best.b, sum.c + best.c, sum.d + best.d)
            }
            let next = sum.normalized
            let moved = 1 - abs(next.dot(mean))
            mean = next
            if moved < 1e-15 { break }
        }
        return Orientation(Rotation(mean), group)
    }
}
