import Foundation

/// An atom site of a crystal structure: element symbol, fractional position,
/// site occupancy and isotropic Debye–Waller factor B (Å², `exp(−B s²)`
/// with s = sin θ / λ).
public struct Atom: Hashable, Sendable, Codable {
    public var element: String
    public var position: Vector3
    public var occupancy: Double
    public var debyeWallerB: Double
    public init(_ element: String, _ position: Vector3, occupancy: Double = 1, debyeWallerB: Double = 0) {
        self.element = element
        self.position = position
        self.occupancy = occupancy
        self.debyeWallerB = debyeWallerB
    }
}
