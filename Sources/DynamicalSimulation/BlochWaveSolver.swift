import Foundation
import Crystallography
import EBSDNumerics

/// Dynamical backscatter intensity for one exit direction (Callahan & De Graef 2013, Microsc. Microanal. 19, 1255),
/// the computation of EMsoft's EBSD master program (`GetDynMat`, `CalcLgh`, `CalcSgh`): by reciprocity, the wave that
/// leaves the crystal along k̂ is the wave that enters it along k̂ from the detector. With K the wave number inside
/// the crystal, beams g chosen by ``BetheParameters`` (the zero beam first) and the complex potential
/// U_g + iU′_g (elastic + absorptive), the Bloch-wave equation is the complex eigenproblem
///
///   A C = C diag(2Kγ),   A_gh = U_{g−h} + iU′_{g−h} − Σ_w (U + iU′)_{g−w} (U + iU′)_{w−h} / (2K s_w)   (g ≠ h),
///   A_gg = 2K s_g − Σ_w |U_{g−w}|² / (2K s_w) + iU′₀,   s_g = −g·(2k + g) / (2(k + g)·k̂)
///
/// (w: the weak beams, folded in as Bethe potentials; s_g is EMsoft's excitation error with the surface normal along
/// k̂). It is solved exactly (LAPACK zgeev; α = C⁻¹e₀ by zgesv), absorption included — not as a perturbation. The
/// wave field at depth z is ψ_g(z) = Σ_j C_gj α_j exp(2πiγ_j z), and the backscatter yield
///
///   I(k̂) = Σ_i λ_i ψ(z_i)† S ψ(z_i),   S_gh = S_{g−h},
///
/// the probability density at the atom sites weighted by Zₙ² and thermally averaged (``CrystalPotential``), summed
/// over the Monte Carlo depth profile λ_i (``DepthProfile``: bin i at z_i = (i + 1)·step, as EMsoft integrates). As
/// EMsoft (version 5 on), the normal absorption the Monte Carlo depth histogram already contains is taken out of it,
/// λ_i → λ_i exp(2π i·step/ξ′₀) with ξ′₀ = K/U′₀, since the Bloch waves apply it again.
public struct BlochWaveSolver: Sendable {
    public let potential: CrystalPotential
    public let bethe: BetheParameters
    public let depth: DepthProfile
    /// Depths z_i (nm) and weights λ_i of the depth integral (the normal absorption taken out of the weights).
    let depths: [Double], weights: [Double]

    public init(potential: CrystalPotential, bethe: BetheParameters, depth: DepthProfile) {
        self.potential = potential
        self.bethe = bethe
        self.depth = depth
        depths = depth.weights.indices.map { depth.depth(ofBin: $0) }
        let u0a = potential.u0Absorptive
        weights = depth.weights.enumerated().map { i, w in
            u0a > 0 ? w * exp(2 * Double.pi * Double(i) * depth.step * u0a / potential.kInside) : w
        }
    }

    /// Per-thread scratch space.
    public struct Workspace {
        var strong: [Int] = [], strongS: [Double] = []
        var weak: [Int] = [], weakS: [Double] = []
        var hkl: [SIMD3<Int32>] = []
        /// Complex arrays, interleaved (re, im), column-major where LAPACK reads them.
        var a: [Double] = [], alpha: [Double] = []
        var eigen = ComplexEigen()
        var wr: [Double] = [], wi: [Double] = [], weakDenominator: [Double] = [], s: [Double] = [], psi: [Double] = []
        var phase: [Double] = []
        /// Beams in the last structure matrix (strong, zero beam included) and folded-in weak beams.
        public internal(set) var lastStrong = 0, lastWeak = 0
        public init() {}
    }

    /// The backscatter yield for the unit crystal direction `k`.
    public func intensity(_ k: Vector3, workspace ws: inout Workspace) throws(DynamicalSimulationError) -> Double {
        let pot = potential
        let K = pot.kInside
        select(k, &ws)
        let n = ws.strong.count + 1, m = ws.weak.count
        ws.lastStrong = n
        ws.lastWeak = m
        ws.hkl.removeAll(keepingCapacity: true)
        ws.hkl.append(.zero)
        for i in ws.strong { ws.hkl.append(SIMD3(pot.beams[i].h, pot.beams[i].k, pot.beams[i].l)) }
        structureMatrix(n: n, m: m, twoK: 2 * K, &ws)
        try solve(n: n, &ws)
        return yield(n: n, twoK: 2 * K, &ws)
    }

    /// Strong and weak beams for direction `k` (EMsoft's classification, ``BetheParameters``).
    func select(_ k: Vector3, _ ws: inout Workspace) {
        let pot = potential
        let K = pot.kInside
        let kv = SIMD3(k.x, k.y, k.z) * K, kHat = SIMD3(k.x, k.y, k.z)
        let u0 = (pot.u0 * pot.u0 + pot.u0Absorptive * pot.u0Absorptive).squareRoot()
        ws.strong.removeAll(keepingCapacity: true)
        ws.strongS.removeAll(keepingCapacity: true)
        ws.weak.removeAll(keepingCapacity: true)
        ws.weakS.removeAll(keepingCapacity: true)
        let c1 = bethe.strong, c2 = bethe.weak, c3 = bethe.cutoff
        pot.beams.withUnsafeBufferPointer { beams in
            for i in 0..<beams.count {
                let b = beams[i]
                let g = b.g
                let sg = -(g * (2 * kv + g)).sum() / (2 * ((kv + g) * kHat).sum())
                let ug = (b.u * b.u + b.absorptive * b.absorptive).squareRoot()
                guard K * abs(sg) <= c3 * ug else { continue }
                let ratio = K * abs(sg) / u0
                if ratio <= c1 {
                    ws.strong.append(i)
                    ws.strongS.append(sg)
                } else if ratio <= c2 {
                    ws.weak.append(i)
                    ws.weakS.append(sg)
                }
            }
        }
    }

    /// The complex structure matrix with Bethe potentials (column-major, interleaved) and the backscatter matrix S.
    func structureMatrix(n: Int, m: Int, twoK: Double, _ ws: inout Workspace) {
        let pot = potential
        func ensure(_ arr: inout [Double], _ c: Int) { if arr.count < c { arr = [Double](repeating: 0, count: c) } }
        ensure(&ws.a, 2 * n * n)
        ensure(&ws.s, n * n)
        ensure(&ws.wr, n * max(m, 1))
        ensure(&ws.wi, n * max(m, 1))
        ensure(&ws.weakDenominator, max(m, 1))
        for w in 0..<m { ws.weakDenominator[w] = twoK * ws.weakS[w] }
        for i in 0..<n {
            let hi = ws.hkl[i]
            for w in 0..<m {
                let b = pot.beams[ws.weak[w]]
                let c = pot.coefficients(Int(hi.x - b.h), Int(hi.y - b.k), Int(hi.z - b.l))
                ws.wr[i * m + w] = c.u
                ws.wi[i * m + w] = c.absorptive
            }
        }
        for i in 0..<n {
            let hi = ws.hkl[i]
            for j in i..<n {
                let c = pot.coefficients(Int(hi.x - ws.hkl[j].x), Int(hi.y - ws.hkl[j].y), Int(hi.z - ws.hkl[j].z))
                ws.s[i * n + j] = c.backscatter
                ws.s[j * n + i] = c.backscatter
                var re: Double, im: Double
                if i == j {
                    var sum = 0.0
                    for w in 0..<m {
                        sum += (ws.wr[i * m + w] * ws.wr[i * m + w] + ws.wi[i * m + w] * ws.wi[i * m + w]) / ws.weakDenominator[w]
                    }
                    re = (i == 0 ? 0 : twoK * ws.strongS[i - 1]) - sum
                    im = pot.u0Absorptive
                } else {
                    re = c.u
                    im = c.absorptive
                    for w in 0..<m {
                        // (U + iU′)_{g−w} (U + iU′)_{w−h}, with U_{w−h} = U_{h−w} (centrosymmetric)
                        let ar = ws.wr[i * m + w], ai = ws.wi[i * m + w], br = ws.wr[j * m + w], bi = ws.wi[j * m + w]
                        re -= (ar * br - ai * bi) / ws.weakDenominator[w]
                        im -= (ar * bi + ai * br) / ws.weakDenominator[w]
                    }
                }
                ws.a[2 * (i + j * n)] = re
                ws.a[2 * (i + j * n) + 1] = im
                ws.a[2 * (j + i * n)] = re
                ws.a[2 * (j + i * n) + 1] = im
            }
        }
    }

    /// Eigenvalues (2Kγ_j) and right eigenvectors of the structure matrix, and the excitations α = C⁻¹e₀.
    func solve(n: Int, _ ws: inout Workspace) throws(DynamicalSimulationError) {
        let info = ws.eigen.solve(&ws.a, n: n)
        guard info == 0 else { throw .eigenSolverFailed(info) }
        if ws.alpha.count < 2 * n { ws.alpha = [Double](repeating: 0, count: 2 * n) }
        for i in 0..<(2 * n) { ws.alpha[i] = 0 }
        ws.alpha[0] = 1
        let solved = ws.eigen.solveWithVectors(&ws.alpha, n: n)
        guard solved == 0 else { throw .eigenSolverFailed(solved) }
    }

    /// Σ_i λ_i ψ(z_i)† S ψ(z_i) from the solved eigenproblem.
    func yield(n: Int, twoK: Double, _ ws: inout Workspace) -> Double {
        if ws.psi.count < 2 * n { ws.psi = [Double](repeating: 0, count: 2 * n) }
        if ws.phase.count < 2 * n { ws.phase = [Double](repeating: 0, count: 2 * n) }
        var total = 0.0
        for (z, lambda) in zip(depths, weights) {
            // f_j = α_j exp(2πiγ_j z), γ_j = value_j / 2K
            for j in 0..<n {
                let gr = ws.eigen.values[2 * j] / twoK, gi = ws.eigen.values[2 * j + 1] / twoK
                let amp = exp(-2 * Double.pi * gi * z), ph = 2 * Double.pi * gr * z
                let er = amp * cos(ph), ei = amp * sin(ph)
                let ar = ws.alpha[2 * j], ai = ws.alpha[2 * j + 1]
                ws.phase[2 * j] = ar * er - ai * ei
                ws.phase[2 * j + 1] = ar * ei + ai * er
            }
            for g in 0..<n {
                var re = 0.0, im = 0.0
                for j in 0..<n {
                    let cr = ws.eigen.vectors[2 * (g + j * n)], ci = ws.eigen.vectors[2 * (g + j * n) + 1]
                    let fr = ws.phase[2 * j], fi = ws.phase[2 * j + 1]
                    re += cr * fr - ci * fi
                    im += cr * fi + ci * fr
                }
                ws.psi[2 * g] = re
                ws.psi[2 * g + 1] = im
            }
            var acc = 0.0
            for g in 0..<n {
                var yr = 0.0, yi = 0.0
                for h in 0..<n {
                    let sgh = ws.s[g * n + h]
                    yr += sgh * ws.psi[2 * h]
                    yi += sgh * ws.psi[2 * h + 1]
                }
                acc += ws.psi[2 * g] * yr + ws.psi[2 * g + 1] * yi
            }
            total += lambda * acc
        }
        return total
    }
}
