import Foundation
import Crystallography

/// Fourier coefficients of the crystal potential seen by an electron of a
/// given energy, in the units of the Bloch-wave equation (nm⁻²):
///
///   U_g = γ/(π Ω) Σₙ occₙ fₙ(g) exp(−Bₙ g²/4) exp(−2πi g·rₙ)     (elastic)
///   U′_g = γ/(π Ω) Σₙ occₙ f′ₙ(g) exp(−2πi g·rₙ)                  (absorptive)
///
/// with fₙ the Lobato & Van Dyck (2014) electron scattering factors, Ω the
/// cell volume, γ the relativistic factor and g = 1/d. The absorptive form
/// factor is the thermal-diffuse-scattering term of an Einstein crystal
/// (Hall & Hirsch 1965; Bird & King 1990; Weickenmeier & Kohl 1991),
///
///   f′(g) = γ/(2k₀) ∫ d²q f(q) f(|g − q|) [exp(−B g²/4) − exp(−B(q² + |g − q|²)/4)],
///
/// integrated numerically over the plane (k₀ = 1/λ); at g = 0 it is the
/// optical-theorem absorption k₀σ_TDS/(2γ).
///
/// Also tabulated: the incoherent backscatter weights
/// S_g = Σₙ occₙ Zₙ² exp(−Bₙ g²/4) exp(2πi g·rₙ) of Callahan & De Graef
/// (2013): the thermally averaged probability density at the atom sites that
/// turns the Bloch wave field into a backscatter yield.
///
/// Only centrosymmetric structures with an inversion centre at the origin
/// are accepted (all three tables are then real and even in g, and the
/// structure matrix is real symmetric); others are refused up front.
public struct CrystalPotential: Sendable {
    public let phase: Phase
    /// Electron energy (keV).
    public let energyKV: Double
    /// Vacuum wave number 1/λ (nm⁻¹) and relativistic factor.
    public let k0: Double, gamma: Double
    /// Mean inner potential term U₀ (nm⁻²) and the wave number inside the crystal √(k₀² + U₀).
    public let u0: Double, kInside: Double
    /// The normal absorption U′₀ (nm⁻²; 0 without absorption).
    public let u0Absorptive: Double
    /// Candidate beams: every reflection with 0 < |g| ≤ 1/dmin and U_g ≠ 0.
    public let beams: [Beam]
    /// Half-range of the Miller-index lookup tables.
    let range: Int
    let side: Int
    /// Lookup tables over h, k, l ∈ [−range, range]: U, U′ and S.
    let u: [Float], uAbs: [Float], s: [Float]

    public struct Beam: Sendable {
        public var h: Int32, k: Int32, l: Int32
        public var g: SIMD3<Double>  // Cartesian, nm⁻¹
        public var u: Double  // U_g (nm⁻²)
        public var absorptive: Double  // U′_g (nm⁻²)
    }

    public init(phase: Phase, energyKV: Double, minimumD: Double, absorption: Bool = true) throws(DynamicalSimulationError) {
        guard minimumD > 0 else { throw .invalidParameter("dmin must be > 0 nm") }
        guard energyKV > 0 else { throw .invalidParameter("energy must be > 0 keV") }
        self.phase = phase
        self.energyKV = energyKV
        let volts = energyKV * 1000
        k0 = 1 / Electron.wavelength(voltage: volts)
        gamma = 1 + volts / 510_998.95
        let atoms = phase.unitCellAtoms
        guard !atoms.isEmpty else { throw .invalidParameter("phase \(phase.name) has no atoms") }
        var zs: [Double] = []
        for a in atoms {
            guard let z = ScatteringFactors.atomicNumber(a.element) else { throw .invalidParameter("unknown element \(a.element)") }
            zs.append(Double(z))
        }
        let lat = phase.lattice
        let omega = lat.volume
        let pre = gamma / (Double.pi * omega)
        // Miller range: twice the largest index of a beam (differences of two beams)
        let hmax = Int((max(lat.a, lat.b, lat.c) / minimumD).rounded(.up))
        range = 2 * hmax
        side = 2 * range + 1
        let n = side * side * side
        var uT = [Float](repeating: 0, count: n), aT = [Float](repeating: 0, count: n), sT = [Float](repeating: 0, count: n)
        // absorptive form factors tabulated on |g| (Å⁻¹) per distinct (element, B)
        let gTableMax = 2.1 / (minimumD * 10) + 0.1  // Å⁻¹: differences of two beams
        var absTables: [String: [Double]] = [:]
        let tableStep = 0.02
        let gam = gamma, kA = k0 / 10
        if absorption {
            for a in atoms where absTables["\(a.element)|\(a.debyeWallerB)"] == nil {
                absTables["\(a.element)|\(a.debyeWallerB)"] = (0...Int(gTableMax / tableStep) + 1).map {
                    CrystalPotential.absorptiveFormFactor(a.element, b: a.debyeWallerB, g: Double($0) * tableStep, gamma: gam, k0: kA)
                }
            }
        }
        var maxImag = 0.0, maxReal = 0.0, maxImagS = 0.0, maxS = 0.0
        var beams: [Beam] = []
        let gmax = 1 / minimumD
        for h in -range...range {
            for k in -range...range {
                for l in -range...range {
                    let gv = lat.reciprocalVector(Double(h), Double(k), Double(l))
                    let gl = gv.norm
                    let gA = gl / 10
                    var ur = 0.0, ui = 0.0, ar = 0.0, sr = 0.0, si = 0.0
                    for (i, a) in atoms.enumerated() {
                        let arg = 2 * Double.pi * (Double(h) * a.position.x + Double(k) * a.position.y + Double(l) * a.position.z)
                        let c = cos(arg), sn = sin(arg)
                        let dw = exp(-a.debyeWallerB * gA * gA / 4)
                        let f = ScatteringFactors.electron(atomicNumber: Int(zs[i]), g: gA) * 0.1 * dw * a.occupancy  // nm
                        ur += f * c
                        ui -= f * sn
                        if absorption, let t = absTables["\(a.element)|\(a.debyeWallerB)"] {
                            let x = gA / tableStep
                            let i0 = min(Int(x), t.count - 2)
                            let fr = min(1, x - Double(i0))
                            ar += (t[i0] * (1 - fr) + t[i0 + 1] * fr) * 0.1 * a.occupancy * c
                        }
                        sr += a.occupancy * zs[i] * zs[i] * dw * c
                        si += a.occupancy * zs[i] * zs[i] * dw * sn
                    }
                    maxImag = max(maxImag, abs(ui))
                    maxReal = max(maxReal, abs(ur))
                    maxImagS = max(maxImagS, abs(si))
                    maxS = max(maxS, abs(sr))
                    let idx = ((h + range) * side + (k + range)) * side + (l + range)
                    uT[idx] = Float(pre * ur)
                    aT[idx] = Float(pre * ar)
                    sT[idx] = Float(sr)
                    if (h != 0 || k != 0 || l != 0) && gl <= gmax * (1 + 1e-9) && abs(h) <= hmax && abs(k) <= hmax && abs(l) <= hmax
                        && abs(ur) > 1e-6 * maxReal
                    {
                        beams.append(
                            Beam(h: Int32(h), k: Int32(k), l: Int32(l), g: SIMD3(gv.x, gv.y, gv.z), u: pre * ur, absorptive: pre * ar))
                    }
                }
            }
        }
        guard maxImag <= 1e-6 * max(maxReal, 1e-30), maxImagS <= 1e-6 * max(maxS, 1e-30) else { throw .notCentrosymmetric(phase.name) }
        u = uT
        uAbs = aT
        s = sT
        self.beams = beams.filter { abs($0.u) > 1e-6 * pre * maxReal }
        let idx0 = (range * side + range) * side + range
        u0 = Double(uT[idx0])
        u0Absorptive = Double(aT[idx0])
        kInside = (k0 * k0 + u0).squareRoot()
    }

    @inline(__always) func index(_ h: Int32, _ k: Int32, _ l: Int32) -> Int {
        ((Int(h) + range) * side + (Int(k) + range)) * side + (Int(l) + range)
    }
    /// U_g, U′_g and S_g (nm⁻², nm⁻², Z²) of reflection hkl (|h|, |k|, |l| ≤ the table range).
    public func coefficients(_ h: Int, _ k: Int, _ l: Int) -> (u: Double, absorptive: Double, backscatter: Double) {
        let i = index(Int32(h), Int32(k), Int32(l))
        return (Double(u[i]), Double(uAbs[i]), Double(s[i]))
    }

    /// The Einstein-model TDS absorptive form factor f′(g) in Å for an element
    /// with Debye–Waller factor `b` (Å²), at |g| = `g` (Å⁻¹), for relativistic
    /// factor `gamma` and wave number `k0` (Å⁻¹). Polar quadrature in q:
    /// logarithmic radial nodes 10⁻³…30 Å⁻¹, 64 angles (the integrand is
    /// periodic in angle, so the trapezoidal rule converges fast).
    public static func absorptiveFormFactor(_ element: String, b: Double, g: Double, gamma: Double, k0: Double) -> Double {
        guard b > 0, let z = ScatteringFactors.atomicNumber(element) else { return 0 }
        let nr = 240, na = 64
        let lo = log(1e-3), hi = log(30.0)
        let du = (hi - lo) / Double(nr - 1)
        let dwg = exp(-b * g * g / 4)
        var cosTab = [Double](repeating: 0, count: na)
        for j in 0..<na { cosTab[j] = cos(Double.pi * (Double(j) + 0.5) / Double(na)) }
        var total = 0.0
        for i in 0..<nr {
            let q = exp(lo + Double(i) * du)
            let w = (i == 0 || i == nr - 1 ? 0.5 : 1) * du * q * q  // d q = q du; area element q dq dφ
            let fq = ScatteringFactors.electron(atomicNumber: z, g: q)
            var ring = 0.0
            for j in 0..<na {
                let d2 = max(0, g * g + q * q - 2 * g * q * cosTab[j])
                let fd = ScatteringFactors.electron(atomicNumber: z, g: d2.squareRoot())
                ring += fd * (dwg - exp(-b * (q * q + d2) / 4))
            }
            total += w * fq * ring * (2 * Double.pi / Double(na))  // φ over [0, 2π): symmetric half doubled
        }
        return gamma / (2 * k0) * total
    }
}
