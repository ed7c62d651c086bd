import Foundation

/// A 3-vector of doubles: crystal or sample directions, rotation axes.
///
/// Plain `SIMD3<Double>`; the helpers below add the vector algebra the
/// crystallography code needs.
public typealias Vector3 = SIMD3<Double>

extension SIMD3 where Scalar == Double {
    @inlinable public func dot(_ o: Vector3) -> Double { x * o.x + y * o.y + z * o.z }
    @inlinable public func cross(_ o: Vector3) -> Vector3 {
        Vector3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x)
    }
    @inlinable public var norm: Double { (x * x + y * y + z * z).squareRoot() }
    /// The unit vector; the zero vector stays zero.
    @inlinable public var unit: Vector3 {
        let n = norm
        return n > 0 ? self / n : self
    }
    /// Angle to another vector in radians, in [0, π], via atan2 (accurate near 0 and π).
    @inlinable public func angle(to o: Vector3) -> Double { atan2(cross(o).norm, dot(o)) }
}
