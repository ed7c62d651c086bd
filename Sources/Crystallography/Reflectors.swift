import Foundation

/// A family of symmetrically equivalent reflectors {hkl}: its representative
/// (the largest (h, k, l) in lexicographic order, i.e. h ≥ k ≥ l ≥ 0 for
/// cubic crystals), interplanar spacing, number of members and kinematical
/// structure factor.
public struct ReflectorFamily: Hashable, Sendable {
    public var hkl: (Int, Int, Int) { (h, k, l) }
    public var h: Int, k: Int, l: Int
    /// d-spacing in nm.
    public var d: Double
    /// Number of (hkl) vectors in the family (± included).
    public var multiplicity: Int
    /// |F| in Å (electron scattering factors, conventional cell).
    public var structureFactor: Double
    /// All members of the family.
    public var members: [[Int]]
    public static func == (x: ReflectorFamily, y: ReflectorFamily) -> Bool { x.h == y.h && x.k == y.k && x.l == y.l && x.d == y.d }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(h)
        hasher.combine(k)
        hasher.combine(l)
    }
    /// Bragg angle θ (radians) at `voltage` (V).
    public func braggAngle(voltage: Double) -> Double { Electron.braggAngle(d: d, voltage: voltage) }
}

extension Phase {
    /// Kinematical structure factor F(hkl) (Å) summed over all atoms of the
    /// conventional cell: `Σⱼ occⱼ fⱼ(g) exp(−Bⱼ g²/4) exp(2πi h·rⱼ)`.
    /// Pass `debyeWaller: false` for B = 0.
    public func structureFactor(_ h: Int, _ k: Int, _ l: Int, debyeWaller: Bool = true) -> (re: Double, im: Double) {
        structureFactor(h, k, l, cellAtoms: unitCellAtoms, debyeWaller: debyeWaller)
    }

    func structureFactor(_ h: Int, _ k: Int, _ l: Int, cellAtoms: [Atom], debyeWaller: Bool) -> (re: Double, im: Double) {
        let gA = 1 / (lattice.dSpacing(h, k, l) * 10)  // Å⁻¹
        var re = 0.0, im = 0.0
        var cache: [String: Double] = [:]
        for at in cellAtoms {
            let f: Double
            if let c = cache[at.element] {
                f = c
            } else {
                f = ScatteringFactors.electron(at.element, g: gA) ?? 0
                cache[at.element] = f
            }
            let dw = debyeWaller ? exp(-at.debyeWallerB * gA * gA / 4) : 1
            let phase = 2 * Double.pi * (Double(h) * at.position.x + Double(k) * at.position.y + Double(l) * at.position.z)
            re += at.occupancy * f * dw * cos(phase)
            im += at.occupancy * f * dw * sin(phase)
        }
        return (re, im)
    }

    /// Kinematically allowed reflector families with `d ≥ minimumD` (nm),
    /// sorted by decreasing d. A reflection is allowed when |F| exceeds
    /// 1e-6 of the sum of the atoms' scattering factors (systematic absences
    /// cancel to rounding error).
    public func reflectorFamilies(minimumD: Double, debyeWaller: Bool = false) -> [ReflectorFamily] {
        let cell = unitCellAtoms
        let hmax = Int((lattice.a / minimumD).rounded(.up)) + 1
        let kmax = Int((lattice.b / minimumD).rounded(.up)) + 1
        let lmax = Int((lattice.c / minimumD).rounded(.up)) + 1
        var seen = Set<[Int]>()
        var families: [ReflectorFamily] = []
        let ops = laueGroup.operators
        for h in -hmax...hmax {
            for k in -kmax...kmax {
                for l in -lmax...lmax {
                    if h == 0 && k == 0 && l == 0 { continue }
                    if seen.contains([h, k, l]) { continue }
                    let d = lattice.dSpacing(h, k, l)
                    if d < minimumD * (1 - 1e-12) { continue }
                    // orbit under the Laue group
                    let g = lattice.reciprocalVector(Double(h), Double(k), Double(l))
                    var members: [[Int]] = []
                    for op in ops {
                        let m = lattice.millerIndices(of: op.apply(g))
                        let idx = [Int(m.x.rounded()), Int(m.y.rounded()), Int(m.z.rounded())]
                        if !members.contains(idx) { members.append(idx) }
                    }
                    for m in members { seen.insert(m) }
                    let F = structureFactor(h, k, l, cellAtoms: cell, debyeWaller: debyeWaller)
                    let amp = (F.re * F.re + F.im * F.im).squareRoot()
                    let gA = 1 / (d * 10)
                    let scale = cell.reduce(0.0) { $0 + abs(ScatteringFactors.electron($1.element, g: gA) ?? 0) * $1.occupancy }
                    if amp <= 1e-6 * max(scale, 1e-30) { continue }
                    let rep = members.max { a, b in a.lexicographicallyPrecedes(b) }!
                    families.append(
                        ReflectorFamily(
                            h: rep[0], k: rep[1], l: rep[2], d: d, multiplicity: members.count, structureFactor: amp, members: members))
                }
            }
        }
        families.sort { $0.d != $1.d ? $0.d > $1.d : [$0.h, $0.k, $0.l].lexicographicallyPrecedes([$1.h, $1.k, $1.l]) }
        return families
    }
}
