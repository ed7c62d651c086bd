import Foundation
import Crystallography

/// Plane normals of a phase's strongest reflector families, for matching bands.
public struct ReflectorLibrary: Sendable {
    public let phase: Phase
    /// Unit plane normals in the Cartesian crystal frame, one per ±g pair.
    public let normals: [Vector3]
    /// The family (0 = largest d-spacing) of each normal.
    public let family: [Int]
    /// The Miller indices (h, k, l) of each normal's plane.
    public let millerIndices: [[Int]]
    /// The Miller indices of each family's representative, {hkl}.
    public let familyIndices: [[Int]]
    /// The number of families taken.
    public let familyCount: Int
    /// Library pairs sorted by their acute inter-planar angle (radians).
    let pairs: [(i: Int16, j: Int16, angle: Float)]

    /// The indices into ``pairs`` of the pairs whose angle lies within `tolerance` of `angle` (binary search).
    func pairs(near angle: Float, tolerance: Float) -> Range<Int> {
        func first(_ isBefore: (Float) -> Bool) -> Int {
            var lo = 0, hi = pairs.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if isBefore(pairs[mid].angle) { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        let lo = first { $0 < angle - tolerance }
        return lo..<max(lo, first { $0 <= angle + tolerance })
    }

    /// The `familyCount` families of largest d-spacing among those with |F| at
    /// least `minimumRelativeF` of the strongest (d ≥ `minimumD` nm), skipping
    /// families parallel to one already taken — for bcc {110}, {200}, {211}, {310}
    /// and for fcc {111}, {200}, {220}, {311}, the classic Hough lists.
    public init(phase: Phase, familyCount: Int = 4, minimumD: Double = 0.07, minimumRelativeF: Double = 0.25) {
        self.phase = phase
        let all = phase.reflectorFamilies(minimumD: minimumD)
        let fmax = all.map(\.structureFactor).max() ?? 0
        let fams = all.filter { $0.structureFactor >= minimumRelativeF * fmax }.sorted { $0.d > $1.d }
        var normals: [Vector3] = []
        var family: [Int] = []
        var miller: [[Int]] = [], familyMiller: [[Int]] = []
        var taken = 0
        for f in fams {
            var add: [Vector3] = []
            for m in f.members {
                let n = phase.lattice.reciprocalVector(Double(m[0]), Double(m[1]), Double(m[2])).unit
                if normals.contains(where: { abs($0.dot(n)) > 1 - 1e-9 }) || add.contains(where: { abs($0.dot(n)) > 1 - 1e-9 }) { continue }
                add.append(n)
                miller.append(m)
            }
            if add.isEmpty { continue }
            familyMiller.append([f.h, f.k, f.l])
            normals += add
            family += [Int](repeating: taken, count: add.count)
            taken += 1
            if taken == familyCount { break }
        }
        self.normals = normals
        self.family = family
        millerIndices = miller
        familyIndices = familyMiller
        self.familyCount = taken
        var p: [(Int16, Int16, Float)] = []
        for i in normals.indices {
            for j in normals.indices where j > i {
                p.append((Int16(i), Int16(j), Float(acos(min(1, abs(normals[i].dot(normals[j])))))))
            }
        }
        pairs = p.sorted { $0.2 < $1.2 }.map { (i: $0.0, j: $0.1, angle: $0.2) }
    }
}
