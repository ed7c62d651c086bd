import Foundation

/// A quaternion `a + b i + c j + d k`, scalar first.
///
/// Convention: the product is the ordinary Hamilton product (`i * j = k`),
/// i.e. P = +1 in the sense of Rowenhorst et al. 2015 (MSMSE 23, 083501),
/// the same as orix. EMsoft and DREAM3D use P = −1; for the same Euler angles
/// their vector part has the opposite sign.
///
/// Rotating a vector: `q.rotate(v)` is the sandwich `q v q*`, which equals
/// `matrix * v` for the passive Bunge matrix of the same rotation (see
/// ``Rotation``). Example: Bunge (90°, 0, 0) gives
/// `q = (cos 45°, 0, 0, −sin 45°)` and maps the sample x axis to crystal
/// `(0, −1, 0)`.
@frozen public struct Quaternion: Hashable, Sendable, CustomStringConvertible {
    public var a: Double
    public var b: Double
    public var c: Double
    public var d: Double

    @inlinable public init(_ a: Double, _ b: Double, _ c: Double, _ d: Double) {
        self.a = a
        self.b = b
        self.c = c
        self.d = d
    }
    @inlinable public init(scalar: Double, vector v: Vector3) { self.init(scalar, v.x, v.y, v.z) }

    public static let identity = Quaternion(1, 0, 0, 0)

    @inlinable public var vector: Vector3 { Vector3(b, c, d) }
    @inlinable public var conjugate: Quaternion { Quaternion(a, -b, -c, -d) }
    @inlinable public var normSquared: Double { a * a + b * b + c * c + d * d }
    @inlinable public var norm: Double { normSquared.squareRoot() }
    @inlinable public var normalized: Quaternion {
        let n = norm
        return Quaternion(a / n, b / n, c / n, d / n)
    }
    @inlinable public static prefix func - (q: Quaternion) -> Quaternion { Quaternion(-q.a, -q.b, -q.c, -q.d) }

    /// The same rotation with a non-negative scalar part (`q` and `−q` are one rotation).
    /// For `a == 0` the first non-zero vector component is made positive, so
    /// the result is unique; use ``Rotation`` to keep a given 180° sign.
    @inlinable public var positive: Quaternion {
        if a > 0 { return self }
        if a < 0 { return -self }
        if b > 0 || (b == 0 && (c > 0 || (c == 0 && d >= 0))) { return self }
        return -self
    }

    /// Hamilton product (P = +1).
    @inlinable public static func * (p: Quaternion, q: Quaternion) -> Quaternion {
        Quaternion(
            p.a * q.a - p.b * q.b - p.c * q.c - p.d * q.d,
            p.a * q.b + p.b * q.a + p.c * q.d - p.d * q.c,
            p.a * q.c - p.b * q.d + p.c * q.a + p.d * q.b,
            p.a * q.d + p.b * q.c - p.c * q.b + p.d * q.a)
    }

    /// Scalar part of `p * q` without forming the whole product.
    @inlinable public static func productScalar(_ p: Quaternion, _ q: Quaternion) -> Double {
        p.a * q.a - p.b * q.b - p.c * q.c - p.d * q.d
    }

    /// 4-vector dot product (cosine of half the angle between two rotations).
    @inlinable public func dot(_ q: Quaternion) -> Double { a * q.a + b * q.b + c * q.c + d * q.d }

    /// `q v q*` for a unit quaternion.
    @inlinable public func rotate(_ v: Vector3) -> Vector3 {
        let u = vector
        let t = 2 * u.cross(v)
        return v + a * t + u.cross(t)
    }

    public var description: String { "(\(a), \(b), \(c), \(d))" }
}
