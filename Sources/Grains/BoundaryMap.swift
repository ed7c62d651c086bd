import EBSDCore
import Foundation
import Crystallography
import CrystalMaps

/// A boundary between two neighbouring indexed pixels.
public enum BoundaryKind: Sendable { case none, low, high }

/// Boundary classification on pixel edges by ``BoundaryThresholds``: HAGB above
/// its high threshold, LAGB between its low threshold and it. Pixels of
/// different phases meet at a high-angle (phase) boundary.
public struct BoundaryMap: Sendable {
    /// Edge between pixel i and its right neighbour.
    public var right: [BoundaryKind]
    /// Edge between pixel i and the pixel below.
    public var down: [BoundaryKind]
    public var thresholds: BoundaryThresholds

    public init(_ map: CrystalMap, thresholds: BoundaryThresholds = BoundaryThresholds()) {
        self.thresholds = thresholds
        let cl = cosHalf(degrees: thresholds.lowDegrees), ch = cosHalf(degrees: thresholds.highDegrees)
        @Sendable func kind(_ i: Int, _ j: Int) -> BoundaryKind {
            guard map.phaseIndex[i] >= 0, map.phaseIndex[j] >= 0 else { return .none }
            if map.phaseIndex[i] != map.phaseIndex[j] { return .high }
            let c = map.disorientationCosHalf(i, j)
            return c < ch ? .high : (c < cl ? .low : .none)
        }
        (right, down) = PixelEdges.classify(map.grid, none: BoundaryKind.none, kind)
    }

    /// The straight runs of boundary edges of `kind` on `grid` (this map's grid): what raster and vector pictures draw.
    public func runs(_ kind: BoundaryKind, grid: MapGrid) -> [PixelEdges.Run] {
        PixelEdges.runs(grid, right: { right[$0] == kind }, down: { down[$0] == kind })
    }

    /// Boundary lengths (µm) of each kind.
    public func lengths(_ grid: MapGrid) -> (low: Double, high: Double) {
        var lo = 0.0, hi = 0.0
        for k in right { if k == .low { lo += grid.stepY } else if k == .high { hi += grid.stepY } }
        for k in down { if k == .low { lo += grid.stepX } else if k == .high { hi += grid.stepX } }
        return (lo, hi)
    }
}
