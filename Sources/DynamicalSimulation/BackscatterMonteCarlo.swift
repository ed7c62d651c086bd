import Foundation
import Crystallography
import PatternSimulation

/// Energy bins of backscattered electrons, counted down from the incident
/// energy: bin i holds energies in (E₀ − (i + ½)w, E₀ − (i − ½)w] and its
/// Bloch-wave simulation runs at E₀ − i·w (the convention of EMsoft's
/// `Ehistmin`/`Ebinsize`, so a single 1 keV bin at 20 keV is EMsoft's
/// 19.5–20 keV bin).
public struct EnergyBins: Sendable, Hashable, Codable {
    /// Incident energy E₀ (keV).
    public var incident: Double
    /// Bin width w (keV).
    public var width: Double
    public var count: Int

    /// Bins of width `width` from `incident` down to `minimum` (keV, inclusive).
    public init(incident: Double, minimum: Double, width: Double = 1) {
        self.incident = incident
        self.width = width
        count = max(1, Int(((incident - minimum) / width + 1e-9).rounded(.down)) + 1)
    }

    /// The energy (keV) at which bin i is simulated.
    public func energy(_ i: Int) -> Double { incident - Double(i) * width }
    public var energies: [Double] { (0..<count).map(energy) }
    /// Lowest energy still counted (keV).
    public var lowerEdge: Double { incident - (Double(count) - 0.5) * width }

    /// The bin of an exit energy (keV), or nil below the lowest bin.
    @inlinable public func index(_ e: Double) -> Int? {
        let i = Int(((incident - e) / width + 0.5).rounded(.down))
        return i >= 0 && i < count ? i : nil
    }
}

/// What a Monte Carlo run of backscattered electrons (BSEs) produces.
///
/// Frame: the sample frame of the simulation (z into the sample, the surface
/// at z = 0, the beam travelling along (sin σ, 0, cos σ) for sample tilt σ,
/// i.e. its in-surface component along +x; the detector of a tilted-sample
/// EBSD set-up sits on the +x side). Exit directions are stored as the
/// outward direction (x, y, −z) on the modified square Lambert grid
/// (``SquareLambert``; row from Y, column from X).
///
/// The exit depth is EMsoft's definition: the path length from the
/// electron's last elastic scattering event to the surface along its exit
/// direction — the thickness of crystal the outgoing wave crosses, which is
/// what the Bloch-wave depth integral needs.
public struct BackscatterStatistics: Sendable {
    public var bins: EnergyBins
    public var incidentElectrons: Int
    /// Exit-direction grid size (odd).
    public var gridSize: Int
    /// BSE counts per energy bin on the exit-direction grid (`gridSize²` each).
    public var directionCounts: [[Float]]
    /// Coarse exit-direction grid for the depth histograms (odd).
    public var depthGridSize: Int
    public var depthStep: Double      // nm
    public var depthBins: Int
    /// Depth histograms per energy bin: `depthGridSize² × depthBins`, cell-major.
    public var depthCounts: [[Float]]

    /// Backscattered electrons counted in all bins.
    public var backscattered: Int { directionCounts.reduce(0) { $0 + Int($1.reduce(0, +)) } }
    /// Fraction of incident electrons that leave with an energy inside the bins.
    public var yield: Double { Double(backscattered) / Double(max(1, incidentElectrons)) }

    /// Fraction of the counted BSEs in each energy bin (sums to 1).
    public var binWeights: [Double] {
        let c = directionCounts.map { Double($0.reduce(0, +)) }
        let t = c.reduce(0, +)
        return c.map { t > 0 ? $0 / t : 0 }
    }

    /// Exit-depth distribution of energy bin `bin`, summed over all exit
    /// directions and normalised to 1; entry i is the depth bin
    /// [i·step, (i+1)·step).
    public func depthDistribution(bin: Int) -> [Double] {
        var h = [Double](repeating: 0, count: depthBins)
        let cells = depthGridSize * depthGridSize
        for c in 0..<cells { for i in 0..<depthBins { h[i] += Double(depthCounts[bin][c * depthBins + i]) } }
        let t = h.reduce(0, +)
        return t > 0 ? h.map { $0 / t } : h
    }

    /// Mean exit depth (nm) of energy bin `bin`.
    public func meanDepth(bin: Int) -> Double {
        depthDistribution(bin: bin).enumerated().reduce(0) { $0 + $1.element * (Double($1.offset) + 0.5) * depthStep }
    }
}

/// Monte Carlo of the electrons an EBSD beam scatters back out of a tilted
/// sample: the single-scattering model of Joy (1995, *Monte Carlo Modeling
/// for Electron Microscopy and Microanalysis*) — screened-Rutherford elastic
/// scattering (Nigam screening α = 3.4·10⁻³ Z^0.67 / E, relativistic factor
/// ((E + 511)/(E + 1024))²) between steps drawn from the elastic mean free
/// path, and continuous slowing down along each step with the Joy–Luo (1989)
/// modified Bethe stopping power (J = 9.76 Z + 58.5 Z^−0.19 eV).
/// Compounds use the atom-fraction mean Z and A.
///
/// Reproducible: electrons are simulated in fixed chunks, each with its own
/// xoshiro256** stream seeded from (seed, chunk), so the result does not
/// depend on the number of threads; chunks run in parallel on all cores.
public struct BackscatterMonteCarlo: Sendable {
    public var voltageKV: Double
    public var sampleTiltDegrees: Double = 70
    public var electrons: Int = 2_000_000
    public var seed: UInt64 = 1
    public var bins: EnergyBins
    public var depthStep: Double = 1         // nm
    public var maximumDepth: Double = 100    // nm
    public var gridSize: Int = 101
    public var depthGridSize: Int = 11
    /// Mean atomic number, atomic weight (g/mol) and density (g/cm³) of the phase.
    public let meanZ: Double, meanA: Double, density: Double

    public init(phase: Phase, voltageKV: Double, bins: EnergyBins) throws(DynamicalSimulationError) {
        guard voltageKV >= 1, voltageKV <= 300 else { throw .invalidParameter("voltage \(voltageKV) kV is outside 1…300 kV") }
        guard let rho = phase.density else { throw .invalidParameter("phase \(phase.name): an element has no tabulated atomic weight") }
        let atoms = phase.unitCellAtoms
        let n = atoms.reduce(0) { $0 + $1.occupancy }
        guard n > 0 else { throw .invalidParameter("phase \(phase.name) has no atoms") }
        var z = 0.0, a = 0.0
        for at in atoms {
            guard let zi = ScatteringFactors.atomicNumber(at.element), let ai = Elements.atomicWeight(at.element) else {
                throw .invalidParameter("unknown element \(at.element)")
            }
            z += at.occupancy * Double(zi); a += at.occupancy * ai
        }
        meanZ = z / n; meanA = a / n; density = rho
        self.voltageKV = voltageKV
        self.bins = bins
    }

    /// Runs the simulation; `progress(done, total)` is called with electrons done.
    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) -> BackscatterStatistics {
        let chunk = 20_000
        let chunks = max(1, (electrons + chunk - 1) / chunk)
        let nDepth = max(1, Int((maximumDepth / depthStep).rounded()))
        let g = gridSize, gd = depthGridSize
        let nb = bins.count
        var parts = [Accumulator?](repeating: nil, count: chunks)
        let done = Counter()
        parts.withUnsafeMutableBufferPointer { buf in
            let out = UncheckedPointer(p: buf.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let count = min(chunk, electrons - c * chunk)
                var acc = Accumulator(bins: nb, grid: g, depthGrid: gd, depthBins: nDepth)
                var rng = Xoshiro256(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(c))
                for _ in 0..<count { trajectory(&rng, &acc, depthBins: nDepth) }
                out.p[c] = acc
                let d = done.add(count)
                progress?(d, electrons)
            }
        }
        var total = Accumulator(bins: nb, grid: g, depthGrid: gd, depthBins: nDepth)
        for p in parts { if let p { total.merge(p) } }
        return BackscatterStatistics(bins: bins, incidentElectrons: electrons, gridSize: g,
                                     directionCounts: total.direction.map { $0.map(Float.init) },
                                     depthGridSize: gd, depthStep: depthStep, depthBins: nDepth,
                                     depthCounts: total.depth.map { $0.map(Float.init) })
    }

    struct Accumulator {
        var direction: [[Int32]]
        var depth: [[Int32]]
        init(bins: Int, grid: Int, depthGrid: Int, depthBins: Int) {
            direction = Array(repeating: [Int32](repeating: 0, count: grid * grid), count: bins)
            depth = Array(repeating: [Int32](repeating: 0, count: depthGrid * depthGrid * depthBins), count: bins)
        }
        mutating func merge(_ o: Accumulator) {
            for b in direction.indices {
                for i in direction[b].indices { direction[b][i] += o.direction[b][i] }
                for i in depth[b].indices { depth[b][i] += o.depth[b][i] }
            }
        }
    }

    /// One electron from the beam entry point until it leaves the sample or drops below the lowest bin.
    @inline(__always)
    func trajectory(_ rng: inout Xoshiro256, _ acc: inout Accumulator, depthBins nDepth: Int) {
        let Z = meanZ, A = meanA, rho = density
        let screening = 3.4e-3 * pow(Z, 0.67)
        let J = (9.76 * Z + 58.5 * pow(Z, -0.19)) * 1e-3           // keV
        let avogadro = 6.02214076e23
        // elastic mean free path (nm) and stopping power (keV/nm) at energy E (keV)
        @inline(__always) func mfp(_ E: Double) -> Double {
            let al = screening / E
            let t = (E + 511) / (E + 1024)
            let sigma = 5.21e-21 * Z * Z / (E * E) * 4 * Double.pi / (al * (1 + al)) * t * t   // cm²
            return A / (avogadro * rho * sigma) * 1e7
        }
        @inline(__always) func stopping(_ E: Double) -> Double {
            -78500 * rho * Z / (A * E) * log(1.166 * (E + 0.85 * J) / J) * 1e-7
        }
        let emin = bins.lowerEdge
        let tilt = sampleTiltDegrees * .pi / 180
        var cx = sin(tilt), cy = 0.0, cz = cos(tilt)
        var z = 0.0
        var E = voltageKV
        var s = -mfp(E) * log(rng.open01())
        z += s * cz
        for _ in 0..<100_000 {
            E += s * stopping(E)
            if E < emin { return }
            // screened-Rutherford deflection
            let al = screening / E
            let r = rng.open01()
            let cp = 1 - 2 * al * r / (1 + al - r)
            let sp = max(0, 1 - cp * cp).squareRoot()
            let psi = 2 * Double.pi * rng.open01()
            let cs = cos(psi), sn = sin(psi)
            if abs(cz) > 0.99999 {
                cx = sp * cs; cy = sp * sn; cz = cz > 0 ? cp : -cp
            } else {
                let d = (1 - cz * cz).squareRoot()
                let nx = sp * (cx * cz * cs - cy * sn) / d + cx * cp
                let ny = sp * (cy * cz * cs + cx * sn) / d + cy * cp
                let nz = -sp * cs * d + cz * cp
                let norm = (nx * nx + ny * ny + nz * nz).squareRoot()
                cx = nx / norm; cy = ny / norm; cz = nz / norm
            }
            s = -mfp(E) * log(rng.open01())
            let zNew = z + s * cz
            if zNew < 0 {
                // leaves through the surface: path to the surface from the last scattering point
                let path = z / -cz
                let eExit = E + path * stopping(E)
                guard let b = bins.index(eExit) else { return }
                let sq = SquareLambert.square(Vector3(cx, cy, -cz))
                let half = Double(gridSize - 1) / 2
                let col = Int(((sq.x + 1) * half).rounded()), row = Int(((sq.y + 1) * half).rounded())
                acc.direction[b][min(max(row, 0), gridSize - 1) * gridSize + min(max(col, 0), gridSize - 1)] += 1
                let di = Int(path / depthStep)
                if di < nDepth {
                    let hd = Double(depthGridSize - 1) / 2
                    let cc = min(max(Int(((sq.x + 1) * hd).rounded()), 0), depthGridSize - 1)
                    let cr = min(max(Int(((sq.y + 1) * hd).rounded()), 0), depthGridSize - 1)
                    acc.depth[b][(cr * depthGridSize + cc) * nDepth + di] += 1
                }
                return
            }
            z = zNew
        }
    }
}

/// xoshiro256** (Blackman & Vigna 2018) seeded through SplitMix64.
struct Xoshiro256 {
    var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    init(seed: UInt64) {
        var x = seed
        func split() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = split(); s1 = split(); s2 = split(); s3 = split()
    }
    @inline(__always) mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }
    /// Uniform in the open interval (0, 1).
    @inline(__always) mutating func open01() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }
}

/// A thread-safe running count (for progress).
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func add(_ n: Int) -> Int { lock.lock(); defer { lock.unlock() }; value += n; return value }
}

struct UncheckedPointer<T>: @unchecked Sendable { let p: UnsafeMutablePointer<T> }

/// Errors of the dynamical simulation, raised before any work starts.
public enum DynamicalSimulationError: Error, CustomStringConvertible, Sendable {
    case invalidParameter(String)
    case notCentrosymmetric(String)
    case eigenSolverFailed(Int32)
    public var description: String {
        switch self {
        case .invalidParameter(let s): return s
        case .notCentrosymmetric(let p): return "phase \(p): the Bloch-wave solver needs a centrosymmetric structure with the origin on an inversion centre (its structure matrix is then real symmetric)"
        case .eigenSolverFailed(let i): return "LAPACK ssyevr failed (info \(i))"
        }
    }
}
