import Foundation

/// A pattern centre in the Bruker convention (see ``PCConvention``).
public struct PatternCenter: Hashable, Sendable, Codable {
    public var x: Double
    public var y: Double
    public var z: Double
    public init(_ x: Double, _ y: Double, _ z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }
}
