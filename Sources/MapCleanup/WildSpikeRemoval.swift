import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import Grains

/// Wild-spike removal: an indexed pixel whose neighbours (all 8 inside the
/// map; 5 or 3 at edges and corners, all indexed) all differ from it by more
/// than `toleranceDegrees` and agree among themselves within it is replaced
/// by their mean orientation — or set to a zero solution.
public struct WildSpikeRemoval: CleanupStep, Hashable {
    public var toleranceDegrees = 10.0
    public var replaceWithZeroSolution = false
    public var name: String { "wild spikes" }
    public init(toleranceDegrees: Double = 10, replaceWithZeroSolution: Bool = false) {
        self.toleranceDegrees = toleranceDegrees
        self.replaceWithZeroSolution = replaceWithZeroSolution
    }

    public func apply(_ map: CrystalMap) throws -> (CrystalMap, CleanupReport) {
        guard toleranceDegrees > 0 else { throw CleanupError("wild spikes: tolerance must be > 0° (got \(toleranceDegrees))") }
        let cosT = cosHalf(degrees: toleranceDegrees)
        let n = map.count
        var decision = [Rotation?](repeating: nil, count: n)
        var newPhase = [Int32](repeating: -1, count: n)
        decision.withUnsafeMutableBufferPointer { db in
            newPhase.withUnsafeMutableBufferPointer { pb in
                let d = UncheckedPointer(db.baseAddress!), p = UncheckedPointer(pb.baseAddress!)
                parallelFor(map.grid.rows) { r in
                    for c in 0..<map.grid.columns {
                        let i = r * map.grid.columns + c
                        guard map.phaseIndex[i] >= 0 else { continue }
                        // fast reject: a pixel that agrees with any neighbour is no spike
                        var agrees = false
                        for (dr, dc) in [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, -1), (1, -1), (-1, 1)] {
                            let rr = r + dr, cc = c + dc
                            if rr >= 0, rr < map.grid.rows, cc >= 0, cc < map.grid.columns,
                                map.disorientationCosHalf(i, rr * map.grid.columns + cc) >= cosT
                            {
                                agrees = true
                                break
                            }
                        }
                        if agrees { continue }
                        let nb = map.neighbours(of: i)
                        guard nb.allSatisfy({ map.phaseIndex[$0] >= 0 }) else { continue }
                        guard nb.allSatisfy({ map.disorientationCosHalf(i, $0) < cosT }) else { continue }
                        guard let cons = NeighbourConsensus.find(map, nb, tolerance: cosT), cons.members == nb.count else { continue }
                        d.p[i] = cons.mean
                        p.p[i] = cons.phase
                    }
                }
            }
        }
        var out = map
        var changed = 0
        for i in 0..<n {
            if let rot = decision[i] {
                changed += 1
                if replaceWithZeroSolution {
                    out.phaseIndex[i] = -1
                } else {
                    out.rotations[i] = rot
                    out.phaseIndex[i] = newPhase[i]
                }
            }
        }
        return (out, CleanupReport(step: name, counts: [(replaceWithZeroSolution ? "set to zero solution" : "replaced", changed)]))
    }
}
