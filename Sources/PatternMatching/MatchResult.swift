import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import DetectorGeometry
import EBSDNumerics
import PatternSimulation
import PatternStacks

/// The best `k` dictionary matches of every measured pattern, best first.
public struct MatchResult: Sendable {
    public let count: Int
    public let k: Int
    /// Dictionary indices, `[count × k]`.
    public var indices: [Int32]
    /// NCC scores, `[count × k]`.
    public var scores: [Float]
    /// Seconds spent simulating the dictionary and comparing (sgemm + top-k).
    public var simulationSeconds = 0.0
    public var comparisonSeconds = 0.0
    /// Of `comparisonSeconds`, the float32 re-scoring of int8 candidates (simulating them again included).
    public var rescoreSeconds = 0.0
    /// Whether the dictionary was read from a ``DictionaryCache`` file.
    public var dictionaryFromCache = false

    public init(count: Int, k: Int) {
        self.count = count
        self.k = k
        indices = [Int32](repeating: -1, count: count * k)
        scores = [Float](repeating: -.infinity, count: count * k)
    }
}
