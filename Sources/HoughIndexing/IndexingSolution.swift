import Foundation
import Crystallography

/// The result of indexing one pattern.
public struct IndexingSolution: Sendable {
    public var rotation: Rotation
    public var phaseIndex: Int
    /// Bands detected and bands explained by the solution.
    public var bandsDetected: Int
    public var bandsMatched: Int
    /// Confidence index: (votes of best − votes of the best distinct runner-up) / bands detected.
    public var confidence: Double
    /// Mean angular deviation between the fitted and detected band normals (degrees).
    public var fit: Double
}
