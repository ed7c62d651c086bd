import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import Grains

/// Zero-solution filling: a not-indexed pixel with at least N indexed
/// neighbours that agree within `toleranceDegrees` takes their mean
/// orientation. For each N in `neighbourCounts` (e.g. [6, 5] as in the
/// reference study, or [8, 7, 6, 5] for the Channel-5 rule) the pass is
/// repeated until nothing changes (`lastOnce` runs the final N only once,
/// the classic Channel-5 variant). Holes — connected not-indexed regions —
/// larger than `maximumHolePixels` (pores) are never filled.
public struct ZeroSolutionFill: CleanupStep, Hashable {
    public var neighbourCounts: [Int] = [6, 5]
    public var toleranceDegrees = 10.0
    public var maximumHolePixels = 10
    public var lastOnce = false
    public var name: String { "fill \(neighbourCounts.map(String.init).joined(separator: ","))" }
    public init(neighbourCounts: [Int] = [6, 5], toleranceDegrees: Double = 10, maximumHolePixels: Int = 10, lastOnce: Bool = false) {
        self.neighbourCounts = neighbourCounts
        self.toleranceDegrees = toleranceDegrees
        self.maximumHolePixels = maximumHolePixels
        self.lastOnce = lastOnce
    }

    public func apply(_ map: CrystalMap) throws -> (CrystalMap, CleanupReport) {
        guard toleranceDegrees > 0 else { throw CleanupError("fill: tolerance must be > 0° (got \(toleranceDegrees))") }
        guard !neighbourCounts.isEmpty, neighbourCounts.allSatisfy({ (1...8).contains($0) }) else {
            throw CleanupError("fill: neighbour counts must be 1…8 (got \(neighbourCounts))")
        }
        let cosT = cosHalf(degrees: toleranceDegrees)
        var out = map
        // Protect large holes.
        var protected = [Bool](repeating: false, count: map.count)
        for hole in CrystalMap.components(of: map, where: { map.phaseIndex[$0] < 0 }) where hole.count > maximumHolePixels {
            for i in hole { protected[i] = true }
        }
        var counts: [(String, Int)] = []
        for (k, need) in neighbourCounts.enumerated() {
            var total = 0
            repeat {
                let candidates = (0..<out.count).filter { out.phaseIndex[$0] < 0 && !protected[$0] }
                var fills: [(Int, Rotation, Int32)] = []
                for i in candidates {
                    let nb = out.neighbours(of: i)
                    guard nb.count(where: { out.phaseIndex[$0] >= 0 }) >= need else { continue }
                    if let c = NeighbourConsensus.find(out, nb, tolerance: cosT), c.members >= need { fills.append((i, c.mean, c.phase)) }
                }
                for (i, r, p) in fills {
                    out.rotations[i] = r
                    out.phaseIndex[i] = p
                }
                total += fills.count
                if fills.isEmpty || (lastOnce && k == neighbourCounts.count - 1) { break }
            } while true
            counts.append(("filled with \(need) neighbours", total))
        }
        counts.append(("holes kept (pores)", protected.count(where: { $0 })))
        return (out, CleanupReport(step: name, counts: counts))
    }
}
