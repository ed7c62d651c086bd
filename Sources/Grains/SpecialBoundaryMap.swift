import EBSDCore
import Foundation
import Crystallography
import CrystalMaps

/// Coincidence-site-lattice ("special") boundaries of a map: every pixel edge between two pixels of one cubic phase
/// whose disorientation is a grain boundary (≥ `highDegrees`) and satisfies Brandon's criterion for a relation of
/// ``CoincidenceSiteLattice`` holds that relation's index (−1: none). Same edge layout as ``BoundaryMap``.
public struct SpecialBoundaryMap: Sendable {
    public let csl: CoincidenceSiteLattice
    /// Edge between pixel i and its right neighbour: index into `csl.relations`, or −1.
    public var right: [Int16]
    /// Edge between pixel i and the pixel below.
    public var down: [Int16]

    public init(
        _ map: CrystalMap, highDegrees: Double = BoundaryThresholds.defaultHighDegrees,
        csl: CoincidenceSiteLattice = CoincidenceSiteLattice()
    ) {
        self.csl = csl
        let cubic = map.phases.map { $0.phase.laueGroup == .cubicHigh || $0.phase.laueGroup == .cubicLow }
        let ch = cos(highDegrees * .pi / 360)
        @Sendable func kind(_ i: Int, _ j: Int) -> Int16 {
            let pi = map.phaseIndex[i]
            guard pi >= 0, pi == map.phaseIndex[j], cubic[Int(pi)], map.disorientationCosHalf(i, j) < ch else { return -1 }
            return csl.relationIndex(map.rotations[j].q * map.rotations[i].q.conjugate).map { Int16($0) } ?? -1
        }
        (right, down) = PixelEdges.classify(map.grid, none: -1, kind)
    }

    /// Length (µm) of each relation's boundaries, in the order of `csl.relations`.
    public func lengths(_ grid: MapGrid) -> [Double] {
        var out = [Double](repeating: 0, count: csl.relations.count)
        for k in right where k >= 0 { out[Int(k)] += grid.stepY }
        for k in down where k >= 0 { out[Int(k)] += grid.stepX }
        return out
    }
}
