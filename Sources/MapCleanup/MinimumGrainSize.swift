import Foundation
import Crystallography
import CrystalMaps
import Grains

/// Dissolves grains smaller than `minimumPixels` into their neighbours:
/// their pixels take, from the border inwards, the mean orientation of the
/// neighbouring grain that most of their already-assigned neighbours belong to.
public struct MinimumGrainSize: CleanupStep, Hashable {
    /// The smallest grain kept unless given, in pixels.
    public static let defaultMinimumPixels = 5
    public var minimumPixels: Int
    public var thresholdDegrees = BoundaryThresholds.defaultHighDegrees
    public var name: String { "minimum grain size \(minimumPixels)" }

    public init(
        minimumPixels: Int = MinimumGrainSize.defaultMinimumPixels, thresholdDegrees: Double = BoundaryThresholds.defaultHighDegrees
    ) {
        self.minimumPixels = minimumPixels
        self.thresholdDegrees = thresholdDegrees
    }

    public func apply(_ map: CrystalMap) throws -> (CrystalMap, CleanupReport) {
        guard minimumPixels >= 1 else { throw CleanupError("minimum grain size must be ≥ 1 pixel") }
        guard thresholdDegrees > 0 else { throw CleanupError("minimum grain size: threshold must be > 0°") }
        let gm = GrainSegmentation(thresholdDegrees: thresholdDegrees).segment(map)
        var label = gm.labels
        var pending = Set<Int>()
        for i in 0..<map.count where label[i] >= 0 && gm.grains[Int(label[i])].pixelCount < minimumPixels { pending.insert(i) }
        var out = map
        let dissolved = pending.count
        while !pending.isEmpty {
            var assign: [(Int, Int32)] = []
            for i in pending {
                var votes: [Int32: Int] = [:]
                for j in map.neighbours(of: i)
                where !pending.contains(j) && label[j] >= 0 && gm.grains[Int(label[j])].pixelCount >= minimumPixels {
                    votes[label[j], default: 0] += 1
                }
                if let (g, _) = votes.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) { assign.append((i, g)) }
            }
            if assign.isEmpty { break }  // isolated small grains with no big neighbour stay as they are
            for (i, g) in assign {
                let grain = gm.grains[Int(g)]
                out.rotations[i] = grain.meanOrientation
                out.phaseIndex[i] = Int32(grain.phaseIndex)
                label[i] = g
                pending.remove(i)
            }
        }
        return (
            out,
            CleanupReport(
                step: name, counts: [("pixels reassigned", dissolved - pending.count), ("left (no large neighbour)", pending.count)])
        )
    }
}
