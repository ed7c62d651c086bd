import EBSDCore
import Foundation
import Crystallography
import PatternSimulation

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
    public var sampleTiltDegrees: Double = BackscatterMonteCarlo.defaultSampleTiltDegrees
    public var electrons: Int = BackscatterMonteCarlo.defaultElectrons
    public var seed: UInt64 = BackscatterMonteCarlo.defaultSeed
    /// The defaults: EMsoft's usual 70° sample tilt, 2 million electrons, seed 1.
    public static let defaultSampleTiltDegrees = 70.0, defaultElectrons = 2_000_000
    public static let defaultSeed: UInt64 = 1
    public var bins: EnergyBins
    public var depthStep: Double = 1  // nm
    public var maximumDepth: Double = 100  // nm
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
            z += at.occupancy * Double(zi)
            a += at.occupancy * ai
        }
        meanZ = z / n
        meanA = a / n
        density = rho
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
            let out = UncheckedPointer(buf.baseAddress!)
            parallelFor(chunks) { c in
                let count = min(chunk, electrons - c * chunk)
                var acc = Accumulator(bins: nb, grid: g, depthGrid: gd, depthBins: nDepth)
                var rng = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(c))
                for _ in 0..<count { trajectory(&rng, &acc, depthBins: nDepth) }
                out.p[c] = acc
                let d = done.add(count)
                progress?(d, electrons)
            }
        }
        var total = Accumulator(bins: nb, grid: g, depthGrid: gd, depthBins: nDepth)
        for p in parts { if let p { total.merge(p) } }
        return BackscatterStatistics(
            bins: bins, incidentElectrons: electrons, gridSize: g,
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
    func trajectory(_ rng: inout SplitMix64, _ acc: inout Accumulator, depthBins nDepth: Int) {
        let Z = meanZ, A = meanA, rho = density
        let screening = 3.4e-3 * pow(Z, 0.67)
        let J = (9.76 * Z + 58.5 * pow(Z, -0.19)) * 1e-3  // keV
        let avogadro = 6.02214076e23
        // elastic mean free path (nm) and stopping power (keV/nm) at energy E (keV)
        @inline(__always) func mfp(_ E: Double) -> Double {
            let al = screening / E
            let t = (E + 511) / (E + 1024)
            let sigma = 5.21e-21 * Z * Z / (E * E) * 4 * Double.pi / (al * (1 + al)) * t * t  // cm²
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
        var s = -mfp(E) * log(rng.unitOpen())
        z += s * cz
        for _ in 0..<100_000 {
            E += s * stopping(E)
            if E < emin { return }
            // screened-Rutherford deflection
            let al = screening / E
            let r = rng.unitOpen()
            let cp = 1 - 2 * al * r / (1 + al - r)
            let sp = max(0, 1 - cp * cp).squareRoot()
            let psi = 2 * Double.pi * rng.unitOpen()
            let cs = cos(psi), sn = sin(psi)
            if abs(cz) > 0.99999 {
                cx = sp * cs
                cy = sp * sn
                cz = cz > 0 ? cp : -cp
            } else {
                let d = (1 - cz * cz).squareRoot()
                let nx = sp * (cx * cz * cs - cy * sn) / d + cx * cp
                let ny = sp * (cy * cz * cs + cx * sn) / d + cy * cp
                let nz = -sp * cs * d + cz * cp
                let norm = (nx * nx + ny * ny + nz * nz).squareRoot()
                cx = nx / norm
                cy = ny / norm
                cz = nz / norm
            }
            s = -mfp(E) * log(rng.unitOpen())
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
                let di = Int((path / depthStep).rounded())  // EMsoft: nint(distance / depthstep)
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
