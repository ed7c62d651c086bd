import Foundation

/// A rotation, stored as a unit quaternion with non-negative scalar part.
///
/// Conventions (stated once here, used everywhere): Rowenhorst et al. 2015,
/// passive rotations mapping sample → crystal coordinates, Bunge ZXZ Euler
/// angles, quaternion product sign P = +1 (Hamilton, as orix).
/// `Rotation(euler:)` gives `q = (cos(Φ/2) cos σ, −sin(Φ/2) cos δ,
/// −sin(Φ/2) sin δ, −cos(Φ/2) sin σ)` with σ = (φ1 + φ2)/2, δ = (φ1 − φ2)/2.
///
/// Example: `Rotation(euler: .degrees(90, 0, 0)).apply(Vector3(1, 0, 0))`
/// is `(0, −1, 0)`: the sample x axis is the crystal −y axis.
///
/// Edge cases: a 180° rotation keeps the sign of the vector part it was made
/// with (`q` and `−q` are the same rotation); Φ = 0 and Φ = π return the
/// gimbal-lock forms described in ``EulerAngles``.
@frozen public struct Rotation: Hashable, Sendable {
    public var q: Quaternion

    /// Wraps a quaternion: normalises it and makes the scalar part non-negative.
    @inlinable public init(_ q: Quaternion) {
        let n = q.normalized
        self.q = n.a < 0 ? -n : n
    }
    @inlinable public init(unchecked q: Quaternion) { self.q = q }

    public static let identity = Rotation(unchecked: .identity)

    /// Composition: `(r1 * r2).apply(v) == r1.apply(r2.apply(v))`.
    @inlinable public static func * (r1: Rotation, r2: Rotation) -> Rotation { Rotation(r1.q * r2.q) }
    @inlinable public var inverse: Rotation { Rotation(unchecked: q.conjugate) }
    /// `g v` (the passive matrix applied to a vector), equal to `q v q*`.
    @inlinable public func apply(_ v: Vector3) -> Vector3 { q.rotate(v) }

    /// Rotation angle in [0, π], computed as `2 atan2(|v|, |a|)`.
    @inlinable public var angle: Double { 2 * atan2(q.vector.norm, abs(q.a)) }

    /// Angle between two rotations (no symmetry): angle of `other * self⁻¹`.
    @inlinable public func angle(to other: Rotation) -> Double {
        let c = abs(q.dot(other.q))
        return 2 * acos(min(1, c))
    }
}

// MARK: - Conversions (Rowenhorst et al. 2015 with P = +1)

extension Rotation {
    /// From Bunge Euler angles (radians).
    public init(euler e: EulerAngles) {
        let s = 0.5 * (e.phi1 + e.phi2), d = 0.5 * (e.phi1 - e.phi2)
        let ch = cos(0.5 * e.Phi), sh = sin(0.5 * e.Phi)
        self.init(Quaternion(ch * cos(s), -sh * cos(d), -sh * sin(d), -ch * sin(s)))
    }

    /// Bunge Euler angles in [0, 2π) × [0, π] × [0, 2π).
    public var euler: EulerAngles {
        let (a, b, c, d) = (q.a, q.b, q.c, q.d)
        let q03 = a * a + d * d, q12 = b * b + c * c
        let chi = (q03 * q12).squareRoot()
        var e: EulerAngles
        // Gimbal lock: Φ within ~1e-12 rad of 0 or π, where only φ1 ± φ2 is defined.
        if chi < 1e-13 {
            if q12 < q03 {
                e = EulerAngles(atan2(-2 * a * d, a * a - d * d), 0, 0)
            } else {
                e = EulerAngles(atan2(2 * b * c, b * b - c * c), .pi, 0)
            }
        } else {
            e = EulerAngles(
                atan2(b * d - a * c, -a * b - c * d),
                atan2(2 * chi, q03 - q12),
                atan2(a * c + b * d, c * d - a * b))
        }
        e.phi1 = Rotation.wrap2pi(e.phi1)
        e.phi2 = Rotation.wrap2pi(e.phi2)
        return e
    }

    @inlinable static func wrap2pi(_ x: Double) -> Double {
        var y = x.truncatingRemainder(dividingBy: 2 * .pi)
        if y < 0 { y += 2 * .pi }
        if y >= 2 * .pi { y -= 2 * .pi }
        return y
    }

    /// The passive Bunge matrix `g` (sample → crystal), equal to `q v q*`.
    public var matrix: RotationMatrix {
        let (a, b, c, d) = (q.a, q.b, q.c, q.d)
        let qbar = a * a - (b * b + c * c + d * d)
        return RotationMatrix(rowMajor: [
            qbar + 2 * b * b, 2 * (b * c - a * d), 2 * (b * d + a * c),
            2 * (b * c + a * d), qbar + 2 * c * c, 2 * (c * d - a * b),
            2 * (b * d - a * c), 2 * (c * d + a * b), qbar + 2 * d * d,
        ])
    }

    /// From a proper rotation matrix (Shepperd's method, stable for all angles).
    /// For an exact 180° rotation the sign of the vector part follows the
    /// largest diagonal element.
    public init(matrix g: RotationMatrix) {
        let m = g.m
        let t = m[0] + m[4] + m[8]
        var q: Quaternion
        if t >= m[0] && t >= m[4] && t >= m[8] {
            let a = 0.5 * max(0, 1 + t).squareRoot()
            q = Quaternion(a, (m[7] - m[5]) / (4 * a), (m[2] - m[6]) / (4 * a), (m[3] - m[1]) / (4 * a))
        } else if m[0] >= m[4] && m[0] >= m[8] {
            let b = 0.5 * max(0, 1 + m[0] - m[4] - m[8]).squareRoot()
            q = Quaternion((m[7] - m[5]) / (4 * b), b, (m[1] + m[3]) / (4 * b), (m[2] + m[6]) / (4 * b))
        } else if m[4] >= m[8] {
            let c = 0.5 * max(0, 1 - m[0] + m[4] - m[8]).squareRoot()
            q = Quaternion((m[2] - m[6]) / (4 * c), (m[1] + m[3]) / (4 * c), c, (m[5] + m[7]) / (4 * c))
        } else {
            let d = 0.5 * max(0, 1 - m[0] - m[4] + m[8]).squareRoot()
            q = Quaternion((m[3] - m[1]) / (4 * d), (m[2] + m[6]) / (4 * d), (m[5] + m[7]) / (4 * d), d)
        }
        self.init(q)
    }

    /// From an axis (any length > 0) and an angle in radians.
    public init(axis: Vector3, angle: Double) {
        let n = axis.unit
        let s = sin(0.5 * angle)
        self.init(Quaternion(cos(0.5 * angle), s * n.x, s * n.y, s * n.z))
    }
    public init(_ aa: AxisAngle) { self.init(axis: aa.axis, angle: aa.angle) }

    public var axisAngle: AxisAngle {
        let v = q.vector, n = v.norm
        if n == 0 { return AxisAngle(axis: Vector3(0, 0, 1), angle: 0) }
        return AxisAngle(axis: v / n, angle: 2 * atan2(n, q.a))
    }

    public var rodriguesFrank: RodriguesFrank {
        let v = q.vector, n = v.norm
        if n == 0 { return RodriguesFrank(axis: Vector3(0, 0, 1), tanHalfAngle: 0) }
        return RodriguesFrank(axis: v / n, tanHalfAngle: q.a == 0 ? .infinity : n / q.a)
    }

    public init(_ rf: RodriguesFrank) {
        if rf.tanHalfAngle.isInfinite {
            self.init(Quaternion(scalar: 0, vector: rf.axis.unit))
            return
        }
        self.init(axis: rf.axis, angle: 2 * atan(rf.tanHalfAngle))
    }

    /// Homochoric vector `n (3/4 (ω − sin ω))^(1/3)`, inside the ball of radius (3π/4)^(1/3).
    public var homochoric: Vector3 {
        let aa = axisAngle
        if aa.angle == 0 { return .zero }
        return aa.axis * cbrt(0.75 * Rotation.omegaMinusSin(aa.angle))
    }

    /// From a homochoric vector. The angle is found by Newton iteration on
    /// `ω − sin ω = 4/3 |h|³` (to machine precision, unlike polynomial fits).
    public init(homochoric h: Vector3) {
        let r = h.norm
        if r == 0 {
            self = .identity
            return
        }
        let target = 4.0 / 3.0 * r * r * r
        var w = min(Double.pi, cbrt(6 * target))
        for _ in 0..<50 {
            let f = Rotation.omegaMinusSin(w) - target
            let fp = 1 - cos(w)
            if fp <= 0 { break }
            let step = f / fp
            w = min(Double.pi, max(0, w - step))
            if abs(step) < 1e-16 * max(1, w) { break }
        }
        self.init(axis: h / r, angle: w)
    }

    /// `ω − sin ω`, by series for small ω to avoid cancellation.
    @usableFromInline static func omegaMinusSin(_ w: Double) -> Double {
        if w < 0.25 {
            let w2 = w * w
            var term = w * w2 / 6, sum = 0.0
            var k = 3.0
            while abs(term) > 1e-300 {
                sum += term
                term *= -w2 / ((k + 1) * (k + 2))
                k += 2
                if abs(term) < 1e-18 * abs(sum) {
                    sum += term
                    break
                }
            }
            return sum
        }
        return w - sin(w)
    }

    /// Cubochoric coordinates (Roşca, Morawiec & De Graef 2014): the cube of
    /// edge π^(2/3) centred at the origin.
    public var cubochoric: Vector3 { Cubochoric.ballToCube(homochoric) }

    public init(cubochoric c: Vector3) { self.init(homochoric: Cubochoric.cubeToBall(c)) }

    /// True if both describe the same rotation (q or −q) within `tolerance` on the quaternion components.
    public func isApproximately(_ o: Rotation, tolerance: Double = 1e-9) -> Bool {
        let d1 = max(abs(q.a - o.q.a), abs(q.b - o.q.b), abs(q.c - o.q.c), abs(q.d - o.q.d))
        let d2 = max(abs(q.a + o.q.a), abs(q.b + o.q.b), abs(q.c + o.q.c), abs(q.d + o.q.d))
        return min(d1, d2) <= tolerance
    }
}

extension Rotation {
    /// The rotation of angle |v| about v (radians); the identity for v = 0.
    public init(rotationVector v: Vector3) {
        let a = v.norm
        self = a < 1e-15 ? .identity : Rotation(axis: v, angle: a)
    }
}
