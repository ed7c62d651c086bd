import Foundation
import Crystallography
import EBSDHDF5

/// The inputs of an EMsoft EBSD master-pattern run, read from the HDF5 file that EMsoft's `EMMCOpenCL` and
/// `EMEBSDmaster` write (EMsoft 5 layout), so that our Bloch waves can run on EMsoft's own Monte Carlo output:
///
/// - crystal: `CrystalData/LatticeParameters` (nm, degrees), `SpaceGroupNumber`, `Atomtypes` (Z) and `AtomData`
///   (5 × atoms: x, y, z, occupancy, Debye–Waller factor in nm², i.e. B/100 in Å²);
/// - Monte Carlo: `EMData/MCOpenCL/accum_z` (C order: y, x, depth bin, energy bin — the depth histograms on the exit-
///   direction Lambert grid coarsened ten times, the whole hemisphere; depth bins nint(distance/depthstep)) and
///   `accum_e` (exit counts per direction and energy bin), `NMLparameters/MCCLNameList/depthstep` (nm);
/// - master run: `EMData/EBSDmaster/EkeVs` (keV per energy bin), `NMLparameters/BetheList/c1, c2, c3`,
///   `NMLparameters/EBSDMasterNameList/dmin` (nm).
///
/// EMsoft's master program integrates each energy bin over λ_E(z), the depth histogram summed over every exit
/// direction (`lambdaE`); ``depthHistograms`` are those sums.
public struct EMsoftMasterFile: Sendable {
    public var path: String
    public var phase: Phase
    /// Energy of each bin (keV).
    public var energiesKeV: [Double]
    /// Share of the backscattered electrons in each energy bin (from `accum_e`; sums to 1).
    public var energyWeights: [Double]
    public var bethe: BetheParameters
    /// Smallest d-spacing (nm).
    public var minimumD: Double
    /// Depth bin width (nm).
    public var depthStep: Double
    /// λ_E(z) per energy bin: counts per depth bin summed over the exit directions.
    public var depthHistograms: [[Double]]

    public init(path: String) throws(DynamicalSimulationError) {
        self.path = path
        let file: HDF5File
        do { file = try HDF5File(path) } catch { throw .invalidParameter("\(path): not an HDF5 file EMsoft wrote (\(error))") }
        defer { file.close() }
        func read(_ object: String, count: Int? = nil) throws(DynamicalSimulationError) -> [Double] {
            let v: [Double]
            do { v = try file.doubles(object) } catch { throw .invalidParameter("\(path): \(object): \(error)") }
            if let c = count, v.count != c { throw .invalidParameter("\(path): \(object): expected \(c) values, found \(v.count)") }
            return v
        }
        let lat = try read("CrystalData/LatticeParameters", count: 6)
        let sg = try read("CrystalData/SpaceGroupNumber", count: 1)[0]
        let types = try read("CrystalData/Atomtypes")
        let data = try read("CrystalData/AtomData", count: 5 * types.count)
        var atoms: [Atom] = []
        for (i, z) in types.enumerated() {
            guard let symbol = ScatteringFactors.symbol(atomicNumber: Int(z)) else {
                throw .invalidParameter("\(path): CrystalData/Atomtypes: \(z) is not an atomic number")
            }
            let n = types.count
            atoms.append(
                Atom(
                    symbol, Vector3(data[i], data[n + i], data[2 * n + i]), occupancy: data[3 * n + i],
                    debyeWallerB: data[4 * n + i] * Self.squareNanometreToSquareAngstrom))
        }
        let degree = Double.pi / 180
        guard (1...230).contains(Int(sg)), lat[0] > 0, lat[1] > 0, lat[2] > 0 else {
            throw .invalidParameter("\(path): CrystalData: space group \(sg) or lattice \(lat) is not valid")
        }
        phase = Phase(
            name: (try? file.string("EMData/EBSDmaster/xtalname")).map { ($0 as NSString).deletingPathExtension } ?? "EMsoft crystal",
            spaceGroupNumber: Int(sg),
            lattice: Lattice(a: lat[0], b: lat[1], c: lat[2], alpha: lat[3] * degree, beta: lat[4] * degree, gamma: lat[5] * degree),
            atoms: atoms)
        energiesKeV = try read("EMData/EBSDmaster/EkeVs")
        let c = [
            try read("NMLparameters/BetheList/c1", count: 1)[0], try read("NMLparameters/BetheList/c2", count: 1)[0],
            try read("NMLparameters/BetheList/c3", count: 1)[0],
        ]
        bethe = BetheParameters(strong: c[0], weak: c[1], cutoff: c[2])
        minimumD = try read("NMLparameters/EBSDMasterNameList/dmin", count: 1)[0]
        depthStep = try read("NMLparameters/MCCLNameList/depthstep", count: 1)[0]
        let zInfo: HDF5File.DatasetInfo
        do { zInfo = try file.info("EMData/MCOpenCL/accum_z") } catch {
            throw .invalidParameter("\(path): EMData/MCOpenCL/accum_z: \(error)")
        }
        guard zInfo.shape.count == 4, zInfo.shape[3] == energiesKeV.count else {
            throw .invalidParameter(
                "\(path): EMData/MCOpenCL/accum_z: expected 4 dimensions (y, x, depth, \(energiesKeV.count) energies), found "
                    + "\(zInfo.shape)")
        }
        let accumZ = try read("EMData/MCOpenCL/accum_z")
        let cells = zInfo.shape[0] * zInfo.shape[1], nz = zInfo.shape[2], ne = zInfo.shape[3]
        var hist = [[Double]](repeating: [Double](repeating: 0, count: nz), count: ne)
        for cell in 0..<cells { for z in 0..<nz { for e in 0..<ne { hist[e][z] += accumZ[(cell * nz + z) * ne + e] } } }
        depthHistograms = hist
        let accumE = try read("EMData/MCOpenCL/accum_e")
        var counts = [Double](repeating: 0, count: ne)
        guard accumE.count % ne == 0 else { throw .invalidParameter("\(path): EMData/MCOpenCL/accum_e: not a multiple of \(ne) energies") }
        for (i, v) in accumE.enumerated() { counts[i % ne] += v }
        let total = counts.reduce(0, +)
        energyWeights = counts.map { total > 0 ? $0 / total : 1 / Double(ne) }
        try bethe.validate()
    }

    /// EMsoft stores Debye–Waller factors in nm²; ``Atom/debyeWallerB`` is in Å².
    static let squareNanometreToSquareAngstrom = 100.0

    /// One Bloch-wave solver per energy bin holding electrons, with EMsoft's depth profile, Bethe parameters and dmin,
    /// and its share of the electrons as weight.
    public func solvers(bethe override: BetheParameters? = nil, absorption: Bool = true) throws(DynamicalSimulationError)
        -> [(solver: BlochWaveSolver, weight: Double)]
    {
        var out: [(BlochWaveSolver, Double)] = []
        for (e, energy) in energiesKeV.enumerated() where energyWeights[e] > 0 {
            let potential = try CrystalPotential(phase: phase, energyKV: energy, minimumD: minimumD, absorption: absorption)
            let profile = DepthProfile(distribution: depthHistograms[e], step: depthStep, coverage: 1)
            out.append((BlochWaveSolver(potential: potential, bethe: override ?? bethe, depth: profile), energyWeights[e]))
        }
        guard !out.isEmpty else { throw .invalidParameter("\(path): no energy bin holds backscattered electrons (accum_e)") }
        return out
    }
}
