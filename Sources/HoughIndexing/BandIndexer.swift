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
    /// How the phase is chosen among the libraries' solutions (``PhaseChoice``).
    public var phaseChoice = PhaseChoice()

    public init(libraries: [ReflectorLibrary]) { self.libraries = libraries }

    /// The best solution over all libraries by band geometry alone (``PhaseChoice/score(_:)``).
    public func index(_ n: [Vector3]) -> IndexingSolution? { candidates(n).first }

    /// The best solution by band geometry, then the solutions of other phases geometry cannot tell from it
    /// (``PhaseChoice/candidates(_:groups:)``), for the band-width check to decide.
    public func candidates(_ n: [Vector3]) -> [IndexingSolution] {
        phaseChoice.candidates(indexEach(n).compactMap { $0 }, groups: libraries.map(\.phase.laueGroup))
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
                for k in lib.pairs(near: alpha, tolerance: Float(pairTolerance)) {
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
        return IndexingSolution(
            rotation: rot, phaseIndex: 0, bandsDetected: nb, bandsMatched: matched,
            confidence: voteShare(n, lib, families: assignedFamilies(rot, n, lib, cosFit)), fit: fit * 180 / .pi)
    }

    /// The family of the reflector each band is matched to by `rotation` (nil: the band is not explained).
    func assignedFamilies(_ rotation: Rotation, _ n: [Vector3], _ lib: ReflectorLibrary, _ cosFit: Double) -> [Int?] {
        n.map { s in
            let v = rotation.apply(s)
            var best = -1, bd = -1.0
            for (k, c) in lib.normals.enumerated() {
                let d = abs(v.dot(c))
                if d > bd { (best, bd) = (k, d) }
            }
            return bd >= cosFit && best >= 0 ? lib.family[best] : nil
        }
    }

    /// The confidence index: the share of all band-triplet votes that agree with the solution's assignment of bands
    /// to reflector families. Every three detected bands whose three inter-band angles match the angles among three
    /// reflectors (each ± ``pairTolerance``) vote, on each band, for the family that band would be: one vote per band
    /// for every distinct family triple that fits. The votes a band receives for the family the solution gives it count
    /// for the solution; bands it does not explain, and votes for other families, count against it. 1: every triplet
    /// of bands reads as the solution reads them; near 0: the solution is one reading among many. This is
    /// PyEBSDIndex's confidence metric (the share of its triplet-vote accumulator on the solution's band assignments);
    /// OIM's CI instead compares the best and second solutions' votes, which penalises every spurious band a detector
    /// picks up, where here spurious bands cast few votes.
    func voteShare(_ n: [Vector3], _ lib: ReflectorLibrary, families: [Int?]) -> Double {
        let nb = n.count, nn = lib.normals.count, nf = lib.familyCount, words = (nn + 63) / 64
        guard nb >= 3, nf > 0 else { return 0 }
        // for each band pair (i < j) and reflector a: the reflectors b with angle(a, b) ≈ angle(i, j), as bits
        var match = [UInt64](repeating: 0, count: nb * nb * nn * words)
        func base(_ i: Int, _ j: Int) -> Int { (i * nb + j) * nn * words }
        for i in 0..<nb {
            for j in (i + 1)..<nb {
                let alpha = Float(acos(min(1, abs(n[i].dot(n[j])))))
                let o = base(i, j)
                for k in lib.pairs(near: alpha, tolerance: Float(pairTolerance)) {
                    let a = Int(lib.pairs[k].i), b = Int(lib.pairs[k].j)
                    match[o + a * words + b / 64] |= 1 << UInt64(b % 64)
                    match[o + b * words + a / 64] |= 1 << UInt64(a % 64)
                }
            }
        }
        var votes = [Int](repeating: 0, count: nb * nf)
        var seen = [Bool](repeating: false, count: nf * nf * nf)
        var touched: [Int] = []
        for i in 0..<nb {
            for j in (i + 1)..<nb {
                let ij = base(i, j)
                for k in (j + 1)..<nb {
                    let ik = base(i, k), jk = base(j, k)
                    for a in 0..<nn {
                        for wb in 0..<words {
                            var bits = match[ij + a * words + wb]
                            while bits != 0 {
                                let b = wb * 64 + bits.trailingZeroBitCount
                                bits &= bits - 1
                                for wc in 0..<words {
                                    var cs = match[ik + a * words + wc] & match[jk + b * words + wc]
                                    while cs != 0 {
                                        let c = wc * 64 + cs.trailingZeroBitCount
                                        cs &= cs - 1
                                        let key = (lib.family[a] * nf + lib.family[b]) * nf + lib.family[c]
                                        if !seen[key] {
                                            seen[key] = true
                                            touched.append(key)
                                            votes[i * nf + lib.family[a]] += 1
                                            votes[j * nf + lib.family[b]] += 1
                                            votes[k * nf + lib.family[c]] += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                    for key in touched { seen[key] = false }
                    touched.removeAll(keepingCapacity: true)
                }
            }
        }
        let all = votes.reduce(0, +)
        guard all > 0 else { return 0 }
        var agree = 0
        for (b, f) in families.enumerated() { if let f { agree += votes[b * nf + f] } }
        return Double(agree) / Double(all)
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
