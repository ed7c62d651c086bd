import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import Grains

/// The orientation a group of neighbouring pixels agrees on: the largest set
/// of same-phase neighbours within `tolerance` of their own mean, and that mean.
struct NeighbourConsensus {
    var phase: Int32
    var mean: Rotation
    var members: Int

    /// Finds the consensus among `pixels` of `map` (all indexed ones are candidates).
    static func find(_ map: CrystalMap, _ pixels: [Int], tolerance cosT: Double) -> NeighbourConsensus? {
        let indexed = pixels.filter { map.phaseIndex[$0] >= 0 }
        guard !indexed.isEmpty else { return nil }
        var best: NeighbourConsensus?
        // Seed a cluster from each neighbour; keep the largest.
        for seed in indexed {
            let ph = map.phaseIndex[seed]
            let close = indexed.filter { map.phaseIndex[$0] == ph && map.disorientationCosHalf(seed, $0) >= cosT }
            if close.count <= (best?.members ?? 0) { continue }
            let group = map.phases[Int(ph)].phase.laueGroup
            let mean = Orientation.mean(close.map { Orientation(map.rotations[$0], group) })!
            let members = close.filter { group.maxAbsScalar(mean.rotation.q * map.rotations[$0].q.conjugate) >= cosT }.count
            if members > (best?.members ?? 0) { best = NeighbourConsensus(phase: ph, mean: mean.rotation, members: members) }
        }
        return best
    }
}
