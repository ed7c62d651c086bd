import Foundation
import CBLAS
import Crystallography
import EBSDNumerics

/// Dynamical backscatter intensity for one exit direction (Callahan & De
/// Graef 2013, Microsc. Microanal. 19, 1255): by reciprocity, the wave that
/// leaves the crystal along k̂ is the wave that enters it along k̂ from the
/// detector. With K = k_inside·k̂ and beams g (the zero beam first), the
/// Bloch-wave equation is the eigenproblem
///
///   A C = C diag(2Kγ),  A_gg = 2K s_g,  A_gh = U_{g−h} − Σ_w U_{g−w} U_{w−h} / (2K s_w),
///   s_g = −(2K·g + g²)/(2K),
///
/// solved with LAPACK ssyevr (A is real symmetric for centrosymmetric
/// crystals). Absorption enters by first-order perturbation: γ_j gains
/// i·q_j with q_j = C_jᵀ U′ C_j / (2K). The wave field at depth z is
/// ψ_g(z) = Σ_j C_gj α_j exp(2πi γ_j z) with α_j = C_0j (a plane wave enters
/// in the zero beam), and the backscatter yield is
///
///   I(k̂) = Σ_z λ(z) ψ(z)† S ψ(z),   S_gh = S_{g−h},
///
/// the probability density at the atom sites weighted by Zₙ² and thermally
/// averaged (``CrystalPotential``), summed over the Monte Carlo depth profile.
public struct BlochWaveSolver: Sendable {
    public let potential: CrystalPotential
    public let bethe: BetheParameters
    public let depth: DepthProfile

    public init(potential: CrystalPotential, bethe: BetheParameters, depth: DepthProfile) {
        self.potential = potential
        self.bethe = bethe
        self.depth = depth
    }

    /// Per-thread scratch space.
    public struct Workspace {
        var eigen: SymmetricEigen.Workspace
        var strong: [Int] = [], strongS: [Double] = []
        var weak: [Int] = [], weakS: [Double] = []
        var a: [Float] = [], vectors: [Float] = [], values: [Float] = []
        var wm: [Float] = [], wd: [Float] = []
        var ua: [Float] = [], t: [Float] = [], s: [Float] = []
        var pq: [Float] = [], psi: [Float] = [], y: [Float] = []
        var hkl: [SIMD3<Int32>] = []
        /// Beams in the last structure matrix (strong, zero beam included) and folded-in weak beams.
        public internal(set) var lastStrong = 0, lastWeak = 0
        public init() { eigen = SymmetricEigen.Workspace(capacity: 64) }
    }

    /// The backscatter yield for the unit crystal direction `k`.
    public func intensity(_ k: Vector3, workspace ws: inout Workspace) throws(DynamicalSimulationError) -> Double {
        let pot = potential
        let K = pot.kInside, twoK = 2 * K
        let kv = SIMD3(k.x, k.y, k.z) * K
        ws.strong.removeAll(keepingCapacity: true)
        ws.strongS.removeAll(keepingCapacity: true)
        ws.weak.removeAll(keepingCapacity: true)
        ws.weakS.removeAll(keepingCapacity: true)
        let c1 = bethe.strong, c2 = bethe.weak, sgMax = bethe.maximumExcitationError
        pot.beams.withUnsafeBufferPointer { beams in
            for i in 0..<beams.count {
                let b = beams[i]
                let g = b.g
                let sg = -(2 * (kv * g).sum() + (g * g).sum()) / twoK
                let r = K * abs(sg) / abs(b.u)
                if r < c1 && abs(sg) <= sgMax {
                    ws.strong.append(i)
                    ws.strongS.append(sg)
                } else if r < c2 {
                    ws.weak.append(i)
                    ws.weakS.append(sg)
                }
            }
        }
        let n = ws.strong.count + 1, m = ws.weak.count
        ws.lastStrong = n
        ws.lastWeak = m
        ws.hkl.removeAll(keepingCapacity: true)
        ws.hkl.append(.zero)
        for i in ws.strong {
            let b = pot.beams[i]
            ws.hkl.append(SIMD3(b.h, b.k, b.l))
        }
        if ws.eigen.capacity < n { ws.eigen = SymmetricEigen.Workspace(capacity: max(n, ws.eigen.capacity * 2)) }
        let nz = depth.weights.count
        func ensure(_ arr: inout [Float], _ c: Int) { if arr.count < c { arr = [Float](repeating: 0, count: c) } }
        ensure(&ws.a, n * n)
        ensure(&ws.vectors, n * n)
        ensure(&ws.values, n)
        ensure(&ws.ua, n * n)
        ensure(&ws.t, n * n)
        ensure(&ws.s, n * n)
        ensure(&ws.pq, 2 * nz * n)
        ensure(&ws.psi, 2 * nz * n)
        ensure(&ws.y, 2 * nz * n)
        if m > 0 {
            ensure(&ws.wm, n * m)
            ensure(&ws.wd, n * m)
        }

        // structure matrix, absorptive and backscatter matrices
        pot.u.withUnsafeBufferPointer { ut in
            pot.uAbs.withUnsafeBufferPointer { at in
                pot.s.withUnsafeBufferPointer { st in
                    for i in 0..<n {
                        let hi = ws.hkl[i]
                        for j in 0..<n {
                            let d = hi &- ws.hkl[j]
                            let idx = pot.index(d.x, d.y, d.z)
                            ws.a[i * n + j] = ut[idx]
                            ws.ua[i * n + j] = at[idx]
                            ws.s[i * n + j] = st[idx]
                        }
                        ws.a[i * n + i] = i == 0 ? 0 : Float(twoK * ws.strongS[i - 1])
                    }
                    if m > 0 {
                        for i in 0..<n {
                            let hi = ws.hkl[i]
                            for w in 0..<m {
                                let b = pot.beams[ws.weak[w]]
                                let idx = pot.index(hi.x - b.h, hi.y - b.k, hi.z - b.l)
                                ws.wm[i * m + w] = ut[idx]
                                ws.wd[i * m + w] = ut[idx] / Float(twoK * ws.weakS[w])
                            }
                        }
                    }
                }
            }
        }
        if m > 0 {
            // A −= (W D) Wᵀ: the Bethe potentials of the weak beams
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(n), Int32(m), -1, ws.wd, Int32(m), ws.wm, Int32(m), 1, &ws.a,
                Int32(n))
        }
        let info = ws.a.withUnsafeMutableBufferPointer { a in
            ws.values.withUnsafeMutableBufferPointer { v in
                ws.vectors.withUnsafeMutableBufferPointer { z in
                    ws.eigen.solve(a.baseAddress!, n: n, values: v.baseAddress!, vectors: z.baseAddress!)
                }
            }
        }
        guard info == 0 else { throw .eigenSolverFailed(info) }
        // vectors: row j = eigenvector j (C_·j). Absorption: T = V·U′, q_j = (T_j · V_j) / 2K
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, ws.vectors, Int32(n), ws.ua, Int32(n), 0, &ws.t,
            Int32(n))
        let step = depth.step
        ws.vectors.withUnsafeBufferPointer { v in
            ws.t.withUnsafeBufferPointer { t in
                ws.pq.withUnsafeMutableBufferPointer { pq in
                    for j in 0..<n {
                        var q = 0.0
                        for i in 0..<n { q += Double(t[j * n + i]) * Double(v[j * n + i]) }
                        q /= twoK
                        let gam = Double(ws.values[j]) / twoK
                        let alpha = Double(v[j * n])
                        for z in 0..<nz {
                            let zz = (Double(z) + 0.5) * step
                            let amp = alpha * exp(-2 * Double.pi * q * zz)
                            let ph = 2 * Double.pi * gam * zz
                            pq[z * n + j] = Float(amp * cos(ph))
                            pq[(nz + z) * n + j] = Float(amp * sin(ph))
                        }
                    }
                }
            }
        }
        // Ψ = PQ · V (rows: depths, real parts then imaginary parts), Y = Ψ · S
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(2 * nz), Int32(n), Int32(n), 1, ws.pq, Int32(n), ws.vectors, Int32(n), 0,
            &ws.psi, Int32(n))
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(2 * nz), Int32(n), Int32(n), 1, ws.psi, Int32(n), ws.s, Int32(n), 0, &ws.y,
            Int32(n))
        var total = 0.0
        ws.psi.withUnsafeBufferPointer { p in
            ws.y.withUnsafeBufferPointer { y in
                for z in 0..<nz {
                    var acc: Float = 0
                    let re = z * n, im = (nz + z) * n
                    for i in 0..<n { acc += p[re + i] * y[re + i] + p[im + i] * y[im + i] }
                    total += depth.weights[z] * Double(acc)
                }
            }
        }
        return total
    }
}
