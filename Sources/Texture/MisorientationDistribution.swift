import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import Grains

/// Misorientation-angle distribution of one phase of a map: "correlated" — the disorientation angles between
/// neighbouring indexed pixels (each right and lower neighbour pair of the phase once) — or "uncorrelated" — between
/// random pairs of the phase's pixels anywhere in the map (the texture's reference; for a random texture it follows
/// ``MackenzieDistribution``). Angles in degrees, histogram bins of `binWidthDegrees` from 0°.
public struct MisorientationDistribution: Sendable {
    public enum Kind: String, Sendable { case correlated, uncorrelated }
    public let kind: Kind
    public let laueGroup: LaueGroup
    public let binWidthDegrees: Double
    /// Pairs per bin.
    public let counts: [Int]
    /// Pairs in all.
    public var total: Int { counts.reduce(0, +) }
    /// Density per degree (Σ density·bin width = 1), comparable with ``MackenzieDistribution/density``.
    public var density: [Double] { counts.map { total > 0 ? Double($0) / Double(total) / binWidthDegrees : 0 } }

    /// Pairs below this angle (degrees) are left out: for neighbour pairs, the low-angle threshold, so that the pairs
    /// inside grains (most neighbours) do not swamp the boundary misorientations; 0 for random pairs.
    public let minimumDegrees: Double

    /// Neighbour pairs (right and lower neighbours) of phase `phase` (index into `map.phases`) whose disorientation is at
    /// least `minimumDegrees` (default 2°, the low-angle boundary threshold).
    public static func correlated(
        _ map: CrystalMap, phase: Int, minimumDegrees: Double = 2, binWidthDegrees: Double = 1
    ) -> MisorientationDistribution {
        let p = Int32(phase)
        let edges = PixelEdges.classify(map.grid, none: Double.nan) { i, j in
            map.phaseIndex[i] == p && map.phaseIndex[j] == p ? map.disorientationAngle(i, j) * 180 / .pi : .nan
        }
        let angles = (edges.right + edges.down).filter { $0.isFinite && $0 >= minimumDegrees }
        return MisorientationDistribution(
            kind: .correlated, laueGroup: map.phases[phase].phase.laueGroup, binWidthDegrees: binWidthDegrees, angles: angles,
            minimumDegrees: minimumDegrees)
    }

    /// Random pixel pairs of the uncorrelated distribution unless given.
    public static let defaultUncorrelatedPairs = 100_000

    /// `pairs` random pairs of distinct pixels of phase `phase` (seeded: the same map and seed give the same histogram).
    public static func uncorrelated(
        _ map: CrystalMap, phase: Int, pairs: Int = MisorientationDistribution.defaultUncorrelatedPairs, seed: UInt64 = 1,
        binWidthDegrees: Double = 1
    ) -> MisorientationDistribution {
        let members = map.phaseIndex.indices.filter { map.phaseIndex[$0] == Int32(phase) }
        var angles: [Double] = []
        if members.count > 1 {
            var rng = SplitMix64(seed: seed)
            angles.reserveCapacity(pairs)
            for _ in 0..<pairs {
                let a = members[Int(rng.next() % UInt64(members.count))]
                var b = members[Int(rng.next() % UInt64(members.count))]
                while b == a { b = members[Int(rng.next() % UInt64(members.count))] }
                angles.append(map.disorientationAngle(a, b) * 180 / .pi)
            }
        }
        return MisorientationDistribution(
            kind: .uncorrelated, laueGroup: map.phases[phase].phase.laueGroup, binWidthDegrees: binWidthDegrees, angles: angles)
    }

    public init(kind: Kind, laueGroup: LaueGroup, binWidthDegrees: Double, angles: [Double], minimumDegrees: Double = 0) {
        self.kind = kind
        self.minimumDegrees = minimumDegrees
        self.laueGroup = laueGroup
        self.binWidthDegrees = binWidthDegrees
        let bins = Int((180 / binWidthDegrees).rounded(.up))
        var counts = [Int](repeating: 0, count: bins)
        for a in angles where a.isFinite { counts[min(bins - 1, max(0, Int(a / binWidthDegrees)))] += 1 }
        self.counts = counts
    }
}
