import Foundation

/// Bunge Euler angles (φ1, Φ, φ2) in radians, ZXZ, passive (sample → crystal).
///
/// Angles produced by this library lie in φ1, φ2 ∈ [0, 2π) and Φ ∈ [0, π].
/// At gimbal lock only one combination is defined: for Φ = 0 the result is
/// (φ1 + φ2, 0, 0), for Φ = π it is (φ1 − φ2, π, 0).
public struct EulerAngles: Hashable, Sendable {
    public var phi1: Double
    public var Phi: Double
    public var phi2: Double
    public init(_ phi1: Double, _ Phi: Double, _ phi2: Double) {
        self.phi1 = phi1
        self.Phi = Phi
        self.phi2 = phi2
    }
    /// Angles given in degrees.
    public static func degrees(_ phi1: Double, _ Phi: Double, _ phi2: Double) -> EulerAngles {
        EulerAngles(phi1 * .pi / 180, Phi * .pi / 180, phi2 * .pi / 180)
    }
}
