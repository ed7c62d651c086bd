import Foundation

/// Rodrigues–Frank vector in the four-component form `[n, tan(ω/2)]`; the
/// fourth component is `+∞` for a 180° rotation.
public struct RodriguesFrank: Hashable, Sendable {
    public var axis: Vector3
    public var tanHalfAngle: Double
    public init(axis: Vector3, tanHalfAngle: Double) {
        self.axis = axis
        self.tanHalfAngle = tanHalfAngle
    }
    /// The three-component Rodrigues vector `n tan(ω/2)` (infinite at 180°).
    public var vector: Vector3 { axis * tanHalfAngle }
}
