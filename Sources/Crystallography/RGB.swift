import EBSDCore
import Foundation

/// An RGB colour with components in 0…1.
public struct RGB: Hashable, Sendable {
    public var r: Double, g: Double, b: Double
    public init(_ r: Double, _ g: Double, _ b: Double) {
        self.r = r
        self.g = g
        self.b = b
    }
    /// 8-bit components, rounded.
    public var bytes: (UInt8, UInt8, UInt8) {
        func c(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }
        return (c(r), c(g), c(b))
    }
}
