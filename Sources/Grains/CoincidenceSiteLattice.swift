import Foundation
import Crystallography

/// Coincidence-site-lattice (CSL) misorientations of cubic crystals and Brandon's criterion.
///
/// The relations are generated, not tabulated: a rotation by θ about the lattice direction [uvw] (u, v, w coprime
/// integers) with tan(θ/2) = (n/m)·√(u² + v² + w²), m and n coprime positive integers, is a CSL rotation of the cubic
/// lattice with Σ = m² + n²(u² + v² + w²) divided by 2 while even (Ranganathan 1966, Acta Cryst. 21, 197). Every
/// relation is kept as its disorientation; relations of one Σ are lettered a, b, … by increasing angle (Σ13a 22.62°
/// ⟨100⟩, Σ13b 27.80° ⟨111⟩). Σ1 (the low-angle boundaries) is left out. Defined for the m-3m and m-3 Laue groups.
///
/// Brandon's criterion (Brandon 1966): a boundary is Σ when its misorientation deviates from the relation by at most
/// 15°·Σ^(−1/2) (symmetry on both sides of the boundary taken into account).
public struct CoincidenceSiteLattice: Sendable {
    /// One CSL relation.
    public struct Relation: Sendable, Hashable {
        public var sigma: Int
        /// "Σ3", "Σ13a", …
        public var label: String
        /// The disorientation (rotation angle ≤ 62.8°).
        public var rotation: Rotation
        public var angleDegrees: Double { rotation.angle * 180 / .pi }
        /// Brandon's tolerance 15°·Σ^(−1/2), radians.
        public var tolerance: Double { 15 * Double.pi / 180 / Double(sigma).squareRoot() }
    }

    public let relations: [Relation]
    let group: LaueGroup
    /// Every symmetric equivalent s₁ r s₂ of each relation (for the deviation of a misorientation from it).
    let equivalents: [[Quaternion]]

    /// The relations with 3 ≤ Σ ≤ `maximumSigma` (odd Σ only exist for the cubic lattice).
    public init(maximumSigma: Int = 29, group: LaueGroup = .cubicHigh) {
        self.group = group
        var found: [(Int, Rotation)] = []
        let maxIndex = 5
        let limit = Int(Double(4 * maximumSigma).squareRoot()) + 1
        for u in 0...maxIndex {
            for v in 0...u {
                for w in 0...v where u > 0 && Self.gcd(Self.gcd(u, v), w) == 1 {
                    let nn = u * u + v * v + w * w
                    for m in 1...limit {
                        for n in 1...limit where Self.gcd(m, n) == 1 {
                            var sigma = m * m + nn * n * n
                            while sigma % 2 == 0 { sigma /= 2 }
                            guard sigma > 1, sigma <= maximumSigma else { continue }
                            let theta = 2 * atan(Double(n) / Double(m) * Double(nn).squareRoot())
                            let r = Rotation(axis: Vector3(Double(u), Double(v), Double(w)).unit, angle: theta)
                            let d = Misorientation(r, from: group, to: group).reduced.rotation
                            if !found.contains(where: { $0.0 == sigma && Self.equivalent($0.1, d, group) }) {
                                found.append((sigma, d))
                            }
                        }
                    }
                }
            }
        }
        found.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.angle < $1.1.angle }
        var out: [Relation] = []
        for (i, f) in found.enumerated() {
            let same = found.filter { $0.0 == f.0 }
            let letter =
                same.count > 1
                ? String(UnicodeScalar(UInt8(97 + found[..<i].filter { $0.0 == f.0 }.count))) : ""
            out.append(Relation(sigma: f.0, label: "Σ\(f.0)\(letter)", rotation: f.1))
        }
        relations = out
        let ops = group.properOperators
        equivalents = out.map { rel in
            var eq: [Quaternion] = []
            for s1 in ops {
                for s2 in ops {
                    let q = (s1 * rel.rotation * s2).q
                    if !eq.contains(where: { abs(Quaternion.productScalar($0, q.conjugate)) > 1 - 1e-12 }) { eq.append(q) }
                }
            }
            return eq
        }
    }

    /// The relation a misorientation m = g₂g₁⁻¹ (as a quaternion) satisfies by Brandon's criterion — the one it deviates
    /// least from, relative to its tolerance — or nil.
    public func classify(_ m: Quaternion) -> Relation? { relationIndex(m).map { relations[$0] } }

    /// The index in ``relations`` of the relation ``classify(_:)`` finds, or nil.
    public func relationIndex(_ m: Quaternion) -> Int? {
        let angle = group.disorientationAngle(m)
        var best: (Int, Double)?
        for (k, rel) in relations.enumerated() where abs(angle - rel.rotation.angle) <= rel.tolerance {
            // deviation = min over equivalents e of angle(m e⁻¹)
            var c = 0.0
            for e in equivalents[k] { c = max(c, abs(Quaternion.productScalar(m, e.conjugate))) }
            let deviation = 2 * acos(min(1, c))
            if deviation <= rel.tolerance, best == nil || deviation / rel.tolerance < best!.1 { best = (k, deviation / rel.tolerance) }
        }
        return best?.0
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// Whether two misorientations between crystals of `group` are the same: a = s₁ b s₂ for some proper operators.
    static func equivalent(_ a: Rotation, _ b: Rotation, _ group: LaueGroup) -> Bool {
        guard abs(a.angle - b.angle) < 1e-6 else { return false }
        for s1 in group.properOperators {
            for s2 in group.properOperators where abs(Quaternion.productScalar((s1 * b * s2).q, a.q.conjugate)) > 1 - 1e-12 {
                return true
            }
        }
        return false
    }
}
