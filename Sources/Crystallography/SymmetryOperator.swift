import Foundation

/// One element of a point group: a proper rotation, optionally followed by
/// the inversion (`improper`). Acting on a direction: `v → ±R v`.
public struct SymmetryOperator: Hashable, Sendable {
    public var rotation: Rotation
    public var improper: Bool
    public init(_ rotation: Rotation, improper: Bool = false) {
        self.rotation = rotation
        self.improper = improper
    }
    @inlinable public func apply(_ v: Vector3) -> Vector3 {
        let r = rotation.apply(v)
        return improper ? -r : r
    }
}
