import EBSDCore
import Foundation
import Crystallography
import CrystalMaps

/// A segmented map: a grain label per pixel (−1 for not indexed) and the grains.
public struct GrainMap: Sendable {
    public var map: CrystalMap
    public var labels: [Int32]
    public var grains: [Grain]
    public var thresholdDegrees: Double
    public var connectivity: Connectivity
}

extension GrainMap {
    /// Grain reference orientation deviation (GROD) of every pixel: its disorientation to its grain's mean orientation,
    /// degrees (NaN for pixels in no grain).
    public var grod: [Double] {
        var out = [Double](repeating: .nan, count: labels.count)
        for (i, label) in labels.enumerated() where label >= 0 {
            let g = grains[Int(label)]
            let group = map.phases[g.phaseIndex].phase.laueGroup
            out[i] = group.disorientationAngle(map.rotations[i].q * g.meanOrientation.q.conjugate) * 180 / .pi
        }
        return out
    }

    /// Grain orientation spread (GOS) of every pixel's grain, degrees (NaN for pixels in no grain).
    public var gos: [Double] { labels.map { $0 >= 0 ? grains[Int($0)].orientationSpread : .nan } }
}
