import Foundation

/// A 3×3 rotation matrix, row-major. For a ``Rotation`` it is the passive
/// Bunge matrix `g = Rz(φ2) Rx(Φ) Rz(φ1)` that maps sample coordinates to
/// crystal coordinates (`v_crystal = g v_sample`): its rows are the sample
/// axes in the crystal frame, its columns the crystal axes in the sample frame.
public struct RotationMatrix: Hashable, Sendable {
    public var m: [Double]
    public init(rowMajor m: [Double]) {
        precondition(m.count == 9)
        self.m = m
    }
    public subscript(row: Int, col: Int) -> Double { m[row * 3 + col] }
    public func apply(_ v: Vector3) -> Vector3 {
        Vector3(
            m[0] * v.x + m[1] * v.y + m[2] * v.z,
            m[3] * v.x + m[4] * v.y + m[5] * v.z,
            m[6] * v.x + m[7] * v.y + m[8] * v.z)
    }
}
