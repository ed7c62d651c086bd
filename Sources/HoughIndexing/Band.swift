import Foundation

/// A detected Kikuchi band: line angle θ (radians), signed gnomonic distance
/// ρ, and its strength in the enhanced Radon transform.
public struct Band: Sendable, Hashable {
    public var theta: Double
    public var rho: Double
    public var strength: Float
}
