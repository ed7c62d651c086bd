import Foundation

/// Axis–angle pair: unit axis and angle ω ∈ [0, π] (radians). The identity has
/// axis [0, 0, 1] and angle 0.
public struct AxisAngle: Hashable, Sendable {
    public var axis: Vector3
    public var angle: Double
    public init(axis: Vector3, angle: Double) {
        self.axis = axis
        self.angle = angle
    }
}
