import Foundation
import CrystalMaps

/// What a clean-up step changed: pixel counts by kind (e.g. "filled",
/// "spikes replaced", "flips confirmed by patterns").
public struct CleanupReport: Sendable, CustomStringConvertible {
    public var step: String
    public var counts: [(kind: String, pixels: Int)]
    public init(step: String, counts: [(String, Int)]) {
        self.step = step
        self.counts = counts.map { (kind: $0.0, pixels: $0.1) }
    }
    public var description: String { "\(step): " + counts.map { "\($0.kind) \($0.pixels)" }.joined(separator: ", ") }
    public subscript(kind: String) -> Int { counts.first { $0.kind == kind }?.pixels ?? 0 }
}
