import EBSDHDF5
import EBSDImageIO
import Foundation
import EBSDCore
import Crystallography

extension MasterPattern {
    /// Reads an EMsoft `EMEBSDmaster` HDF5 master pattern: `EMData/EBSDmaster/mLPNH` and `mLPSH` of shape
    /// (numset, energies, n, n) in the modified square Lambert projection, summed over `numset` (the atoms of
    /// the asymmetric unit, as EMsoft and kikuchipy do). Energies: the bin nearest `energyKeV` when given;
    /// otherwise every bin weighted by its share of the backscattered electrons in the Monte Carlo's `accum_e`
    /// (summed over exit directions), or equally when the file has no Monte Carlo data. The phase comes from
    /// `CrystalData` (lattice in nm in the file, Å in the description) and the file name in `xtalname`.
    public static func readEMsoft(_ path: String, energyKeV: Double? = nil) throws(ImageIOError) -> MasterPattern {
        do {
            let f = try HDF5File(path)
            let mp = "EMData/EBSDmaster"
            guard f.isDataset("\(mp)/mLPNH"), f.isDataset("\(mp)/mLPSH") else {
                throw HDF5Error.missing(path: path, object: "\(mp)/mLPNH")
            }
            let info = try f.info("\(mp)/mLPNH")
            guard info.shape.count == 4, info.shape[2] == info.shape[3], info.shape[2] > 1, info.shape[2] <= maximumSide,
                (1...maximumSets).contains(info.shape[0]), (1...maximumEnergies).contains(info.shape[1]),
                try f.info("\(mp)/mLPSH").shape == info.shape
            else {
                throw HDF5Error.malformed(
                    path: path, object: "\(mp)/mLPNH",
                    message: "expected (numset, energies, n, n) for both hemispheres, found \(info.shape)")
            }
            let sets = info.shape[0], energies = info.shape[1], n = info.shape[2], page = n * n
            let kev = (try? f.doubles("\(mp)/EkeVs")) ?? []
            var weights = [Double](repeating: 1, count: energies)
            if let e = energyKeV {
                guard kev.count == energies else {
                    throw HDF5Error.malformed(path: path, object: "\(mp)/EkeVs", message: "no energy per bin to choose \(e) keV from")
                }
                let best = kev.indices.min { abs(kev[$0] - e) < abs(kev[$1] - e) }!
                weights = (0..<energies).map { $0 == best ? 1 : 0 }
            } else if let acc = try? f.info("EMData/MCOpenCL/accum_e"), acc.shape.last == energies, acc.count > 0 {
                let a = try f.doubles("EMData/MCOpenCL/accum_e")
                weights = (0..<energies).map { e in stride(from: e, to: a.count, by: energies).reduce(0.0) { $0 + a[$1] } }
            }
            let total = weights.reduce(0, +)
            guard total > 0 else {
                throw HDF5Error.malformed(path: path, object: "EMData/MCOpenCL/accum_e", message: "no electrons in any energy bin")
            }
            func hemisphere(_ name: String) throws -> [Float] {
                let v = try f.doubles("\(mp)/\(name)", maximumCount: sets * energies * page)
                var out = [Double](repeating: 0, count: page)
                for s in 0..<sets {
                    for e in 0..<energies where weights[e] > 0 {
                        let base = (s * energies + e) * page, w = weights[e] / total
                        for i in 0..<page { out[i] += w * v[base + i] }
                    }
                }
                return out.map { Float($0) }
            }
            var desc: Description?
            if let lat = try? f.doubles("CrystalData/LatticeParameters"), lat.count == 6 {
                let sg = (try? f.double("CrystalData/SpaceGroupNumber")).flatMap { Int(fileValue: $0) } ?? 0
                let xtal = (try? f.string("\(mp)/xtalname")) ?? ""
                let name = ((xtal as NSString).lastPathComponent as NSString).deletingPathExtension
                let nmToAngstrom = 10.0
                // EMsoft names the crystal only by its .xtal file: a built-in phase of the same space group and lattice
                // (within 0.5 %) gives the name; otherwise the file's name.
                let latticeTolerance = 0.005
                let known = Phase.builtIn.first { p in
                    p.spaceGroupNumber == sg
                        && [p.lattice.a, p.lattice.b, p.lattice.c].enumerated().allSatisfy {
                            abs($1 - lat[$0]) <= latticeTolerance * lat[$0]
                        }
                }
                let phaseName = known?.name ?? (name.isEmpty ? "unknown" : name.prefix(1).uppercased() + name.dropFirst().lowercased())
                desc = Description(
                    phase: phaseName, spaceGroup: sg,
                    latticeAngstrom: lat.prefix(3).map { $0 * nmToAngstrom } + lat.suffix(3),
                    voltageKV: kev.max() ?? 0, model: "EMsoft dynamical (EMEBSDmaster)", generator: "EMsoft, read from \(path)")
                desc?.energyBinsKeV = kev
                desc?.energyWeights = weights.map { $0 / total }
            }
            return MasterPattern(size: n, north: try hemisphere("mLPNH"), south: try hemisphere("mLPSH"), description: desc)
        } catch let e as ImageIOError {
            throw e
        } catch let e as HDF5Error {
            throw .malformed(path: path, page: nil, message: e.detail)
        } catch {
            throw .malformed(path: path, page: nil, message: "\(error)")
        }
    }

    /// Largest master-pattern side accepted (px), and most atoms (`numset`) and energy bins.
    static let maximumSide = 8193
    static let maximumSets = 256
    static let maximumEnergies = 1024
}
