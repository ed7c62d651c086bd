import Foundation
import Crystallography

/// Indexes a set of band normals (sample frame) against reflector libraries:
/// every pair of bands is matched with every library pair of the same
/// inter-planar angle (± `pairTolerance`), each match gives a trial
/// orientation (TRIAD), the trial that explains most bands (within
/// `fitTolerance`) wins, and its matched bands are fitted by least squares
/// (Horn's quaternion method).
public struct BandIndexer: Sendable {
    public var libraries: [ReflectorLibrary]
    public var pairTolerance = 2 * Double.pi / 180
    public var fitTolerance = 2 * Double.pi / 180
    public var minimumMatched = 3
    /// Trial orientations come from pairs among the strongest `seedBands` bands only
    /// (the strongest are the most reliable); votes count all bands.
    public var seedBands = 7

    public init(libraries: [ReflectorLibrary]) { self.libraries = libraries }

    /// The best solution over all libraries: most bands matched, then smallest fit.
    public func index(_ n: [Vector3]) -> IndexingSolution? {
        var best: IndexingSolution?
        for s in indexEach(n) {
            guard let s else { continue }
            if best == nil || s.bandsMatched > best!.bandsMatched || (s.bandsMatched == best!.bandsMatched && s.fit < best!.fit) {
                best = s
            }
        }
        return best
    }

    /// One solution (or nil) per library, each with its `phaseIndex` set.
    public func indexEach(_ n: [Vector3]) -> [IndexingSolution?] {
        libraries.enumerated().map { pi, lib in
            guard var s = index(n, lib) else { return nil }
            s.phaseIndex = pi
            return s
        }
    }

    /// Rotation mapping sample vectors s1, s2 onto crystal vectors c1, c2 (exactly for the first, in-plane for the second).
    static func triad(_ s1: Vector3, _ s2: Vector3, _ c1: Vector3, _ c2: Vector3) -> RotationMatrix {
        RotationMatrix(rowMajor: triadElements(s1, s2, c1, c2))
    }

    /// Row-major elements of the TRIAD rotation (no allocation but the result).
    @inline(__always) static func triadElements(_ s1: Vector3, _ s2: Vector3, _ c1: Vector3, _ c2: Vector3) -> [Double] {
        let a2 = s1.cross(s2).unit, a3 = s1.cross(a2)
        let b2 = c1.cross(c2).unit, b3 = c1.cross(b2)
        // M = B Aᵀ with the frames as columns
        let r0 = c1 * s1.x + b2 * a2.x + b3 * a3.x
        let r1 = c1 * s1.y + b2 * a2.y + b3 * a3.y
        let r2 = c1 * s1.z + b2 * a2.z + b3 * a3.z
        return [r0.x, r1.x, r2.x, r0.y, r1.y, r2.y, r0.z, r1.z, r2.z]
    }

    func index(_ n: [Vector3], _ lib: ReflectorLibrary) -> IndexingSolution? {
        let nb = n.count
        guard nb >= 3 else { return nil }
        let cosFit = cos(fitTolerance)
        let normals = lib.normals
        var candidates: [(RotationMatrix, Int)] = []
        var bestCount = 0
        let ns = min(nb, seedBands)
        for i in 0..<ns {
            for j in (i + 1)..<ns {
                let dotij = n[i].dot(n[j])
                let alpha = Float(acos(min(1, abs(dotij))))
                // library pairs within tolerance (binary search on the sorted angles)
                var lo = 0, hi = lib.pairs.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if lib.pairs[mid].angle < alpha - Float(pairTolerance) { lo = mid + 1 } else { hi = mid }
                }
                var k = lo
                while k < lib.pairs.count && lib.pairs[k].angle <= alpha + Float(pairTolerance) {
                    let a = normals[Int(lib.pairs[k].i)]
                    var b = normals[Int(lib.pairs[k].j)]
                    if (a.dot(b) < 0) != (dotij < 0) { b = -b }
                    for (x, y) in [(a, b), (b, a)] {
                        let e = BandIndexer.triadElements(n[i], n[j], x, y)
                        var count = 0
                        for m in 0..<nb {
                            let s = n[m]
                            let v = Vector3(
                                e[0] * s.x + e[1] * s.y + e[2] * s.z, e[3] * s.x + e[4] * s.y + e[5] * s.z,
                                e[6] * s.x + e[7] * s.y + e[8] * s.z)
                            for c in normals where abs(v.dot(c)) >= cosFit {
                                count += 1
                                break
                            }
                            if count + (nb - 1 - m) < max(minimumMatched, bestCount - 1) { break }
                        }
                        if count >= max(minimumMatched, bestCount - 1) {
                            candidates.append((RotationMatrix(rowMajor: e), count))
                            bestCount = max(bestCount, count)
                        }
                    }
                    k += 1
                }
            }
        }
        guard bestCount >= minimumMatched else { return nil }
        // Refine the distinct top candidates (many band pairs give the same orientation) by least squares.
        let group = lib.phase.laueGroup
        let cosSame = cos(0.5 * Double.pi / 180)
        var distinct: [Rotation] = []
        for (g, count) in candidates where count == bestCount {
            let r = Rotation(matrix: g)
            if !distinct.contains(where: { group.maxAbsScalar($0.q * r.q.conjugate) > cosSame }) { distinct.append(r) }
            if distinct.count == 12 { break }
        }
        var best: (Rotation, Int, Double)?
        for r in distinct {
            let (rot, matched, fit) = refine(r, n, normals, cosFit)
            if best == nil || matched > best!.1 || (matched == best!.1 && fit < best!.2) { best = (rot, matched, fit) }
        }
        guard let (rot, matched, fit) = best else { return nil }
        // runner-up: best vote count among candidates far (> 5°) from the solution
        let cos5 = cos(2.5 * Double.pi / 180)
        var second = 0
        for (g, count) in candidates where count > second {
            let q = Rotation(matrix: g).q
            if group.maxAbsScalar(q * rot.q.conjugate) < cos5 { second = count }
        }
        return IndexingSolution(
            rotation: rot, phaseIndex: 0, bandsDetected: nb, bandsMatched: matched,
            confidence: Double(matched - min(second, matched)) / Double(nb), fit: fit * 180 / .pi)
    }

    /// Least-squares rotation from the bands matched by `start` (two passes).
    func refine(_ start: Rotation, _ n: [Vector3], _ normals: [Vector3], _ cosFit: Double) -> (Rotation, Int, Double) {
        var g = start
        var matched = 0, fit = 0.0
        for _ in 0..<2 {
            var pairsS: [Vector3] = [], pairsC: [Vector3] = []
            for m in n {
                let v = g.apply(m)
                var best = normals[0], bd = -1.0
                for c in normals {
                    let d = abs(v.dot(c))
                    if d > bd {
                        bd = d
                        best = v.dot(c) < 0 ? -c : c
                    }
                }
                if bd >= cosFit {
                    pairsS.append(m)
                    pairsC.append(best)
                }
            }
            guard pairsS.count >= 2 else { break }
            g = Horn.rotation(from: pairsS, to: pairsC)
            matched = pairsS.count
            fit = zip(pairsS, pairsC).reduce(0) { $0 + g.apply($1.0).angle(to: $1.1) } / Double(matched)
        }
        return (g, matched, fit)
    }
}
