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

/// Wild-spike removal: an indexed pixel whose neighbours (all 8 inside the
/// map; 5 or 3 at edges and corners, all indexed) all differ from it by more
/// than `toleranceDegrees` and agree among themselves within it is replaced
/// by their mean orientation — or set to a zero solution.
public struct WildSpikeRemoval: CleanupStep {
    public var toleranceDegrees = 10.0
    public var replaceWithZeroSolution = false
    public var name: String { "wild spikes" }
    public init(toleranceDegrees: Double = 10, replaceWithZeroSolution: Bool = false) {
        self.toleranceDegrees = toleranceDegrees; self.replaceWithZeroSolution = replaceWithZeroSolution
    }

    public func apply(_ map: CrystalMap) throws -> (CrystalMap, CleanupReport) {
        guard toleranceDegrees > 0 else { throw CleanupError("wild spikes: tolerance must be > 0° (got \(toleranceDegrees))") }
        let cosT = cosHalf(degrees: toleranceDegrees)
        let n = map.count
        var decision = [Rotation?](repeating: nil, count: n)
        var newPhase = [Int32](repeating: -1, count: n)
        decision.withUnsafeMutableBufferPointer { db in newPhase.withUnsafeMutableBufferPointer { pb in
            let d = UnsafeShared(db.baseAddress!), p = UnsafeShared(pb.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: map.grid.rows) { r in
                for c in 0..<map.grid.columns {
                    let i = r * map.grid.columns + c
                    guard map.phaseIndex[i] >= 0 else { continue }
                    // fast reject: a pixel that agrees with any neighbour is no spike
                    var agrees = false
                    for (dr, dc) in [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, -1), (1, -1), (-1, 1)] {
                        let rr = r + dr, cc = c + dc
                        if rr >= 0, rr < map.grid.rows, cc >= 0, cc < map.grid.columns, map.disorientationCosHalf(i, rr * map.grid.columns + cc) >= cosT { agrees = true; break }
                    }
                    if agrees { continue }
                    let nb = map.neighbours(of: i)
                    guard nb.allSatisfy({ map.phaseIndex[$0] >= 0 }) else { continue }
                    guard nb.allSatisfy({ map.disorientationCosHalf(i, $0) < cosT }) else { continue }
                    guard let cons = NeighbourConsensus.find(map, nb, tolerance: cosT), cons.members == nb.count else { continue }
                    d.p[i] = cons.mean; p.p[i] = cons.phase
                }
            }
        } }
        var out = map
        var changed = 0
        for i in 0..<n { if let rot = decision[i] {
            changed += 1
            if replaceWithZeroSolution { out.phaseIndex[i] = -1 } else { out.rotations[i] = rot; out.phaseIndex[i] = newPhase[i] }
        } }
        return (out, CleanupReport(step: name, counts: [(replaceWithZeroSolution ? "set to zero solution" : "replaced", changed)]))
    }
}

/// Zero-solution filling: a not-indexed pixel with at least N indexed
/// neighbours that agree within `toleranceDegrees` takes their mean
/// orientation. For each N in `neighbourCounts` (e.g. [6, 5] as in the
/// reference study, or [8, 7, 6, 5] for the Channel-5 rule) the pass is
/// repeated until nothing changes (`lastOnce` runs the final N only once,
/// the classic Channel-5 variant). Holes — connected not-indexed regions —
/// larger than `maximumHolePixels` (pores) are never filled.
public struct ZeroSolutionFill: CleanupStep {
    public var neighbourCounts: [Int] = [6, 5]
    public var toleranceDegrees = 10.0
    public var maximumHolePixels = 10
    public var lastOnce = false
    public var name: String { "fill \(neighbourCounts.map(String.init).joined(separator: ","))" }
    public init(neighbourCounts: [Int] = [6, 5], toleranceDegrees: Double = 10, maximumHolePixels: Int = 10, lastOnce: Bool = false) {
        self.neighbourCounts = neighbourCounts; self.toleranceDegrees = toleranceDegrees
        self.maximumHolePixels = maximumHolePixels; self.lastOnce = lastOnce
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
                for (i, r, p) in fills { out.rotations[i] = r; out.phaseIndex[i] = p }
                total += fills.count
                if fills.isEmpty || (lastOnce && k == neighbourCounts.count - 1) { break }
            } while true
            counts.append(("filled with \(need) neighbours", total))
        }
        counts.append(("holes kept (pores)", protected.count(where: { $0 })))
        return (out, CleanupReport(step: name, counts: counts))
    }
}

extension CrystalMap {
    /// 8-connected components of the pixels satisfying `member`.
    static func components(of map: CrystalMap, where member: (Int) -> Bool) -> [[Int]] {
        var seen = [Bool](repeating: false, count: map.count)
        var out: [[Int]] = []
        for s in 0..<map.count where !seen[s] && member(s) {
            var comp: [Int] = [], stack = [s]
            seen[s] = true
            while let i = stack.popLast() {
                comp.append(i)
                for j in map.neighbours(of: i) where !seen[j] && member(j) { seen[j] = true; stack.append(j) }
            }
            out.append(comp)
        }
        return out
    }
}

struct UnsafeShared<T>: @unchecked Sendable { let p: UnsafeMutablePointer<T>; init(_ p: UnsafeMutablePointer<T>) { self.p = p } }
