import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import CrystalMaps
import DetectorGeometry
import PatternSimulation
import DynamicalSimulation
import EBSDImageIO

struct SimulateMaster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "master",
        abstract: "Simulate a kinematical or dynamical master pattern (square Lambert, north + south) as a 2-page float TIFF.",
        discussion: """
            Kinematical (default): every allowed reflector with d ≥ --dmin (1 Å) contributes a Kikuchi band of its Bragg \
            width at the voltage, weighted by |F|² (or |F| with --intensity f). \
            Dynamical (--dynamical): a Monte Carlo run of backscattered electrons in the tilted sample gives the energy \
            and exit-depth distributions; a Bloch-wave solve per direction of the fundamental sector and per energy bin \
            (beams with d ≥ --dmin, 0.5 Å; EMsoft's Bethe parameters; TDS absorption) gives the backscatter yield, depth- \
            and energy-weighted. --emsoft-input runs the Bloch waves on an EMsoft master file's own Monte Carlo output. \
            Examples: \
            ebsd simulate master --phase Na --kv 20 -o MasterPatterns/Na-20kV-kinematical.tif; \
            ebsd simulate master --dynamical --phase Na --kv 20 -o MasterPatterns/Na-20kV-dynamical.tif
            """
    )
    @Option(help: "Built-in phase (\(Phase.builtIn.map(\.name).joined(separator: ", "))) or a phase .json file.") var phase = "Na"
    @Option(help: "Accelerating voltage in kV.") var kv = Electron.defaultVoltageKV
    @Option(help: "Pixels per hemisphere side (odd).") var size = KinematicalSimulator.defaultMasterSize
    @Option(help: "Smallest d-spacing in Å (default 1 kinematical, 0.5 dynamical).") var dmin: Double?
    @Option(help: "Band weight: f2 (|F|²) or f (|F|).") var intensity = KinematicalSimulator.defaultIntensity.rawValue
    @Flag(help: "No Debye–Waller damping of the structure factors.") var noDebyeWaller = false
    @Flag(help: "Dynamical simulation (Monte Carlo + Bloch waves).") var dynamical = false
    @Option(help: "Dynamical: lowest backscatter energy counted, keV (default --kv − 2: the near-elastic electrons).") var emin: Double?
    @Option(help: "Dynamical: energy bin width, keV.") var ebin = DynamicalMasterSimulator.defaultBinWidthKV
    @Option(help: "Dynamical: Monte Carlo electrons.") var electrons = BackscatterMonteCarlo.defaultElectrons
    @Option(help: "Dynamical: Monte Carlo seed.") var seed = BackscatterMonteCarlo.defaultSeed
    @Option(help: "Dynamical: sample tilt in degrees.") var sampleTilt = BackscatterMonteCarlo.defaultSampleTiltDegrees
    @Option(
        help: ArgumentHelp(
            "Dynamical: EMsoft's Bethe parameters c1,c2,c3 with EMsoft's meaning (strong, weak, candidate cut-offs; see "
                + "BetheParameters; default EMsoft's 4,8,50).")
    ) var bethe: String?
    @Option(
        help: ArgumentHelp(
            "Dynamical: run the Bloch waves on an EMsoft master file's own inputs (its Monte Carlo depth histograms, energies, "
                + "crystal, dmin and Bethe parameters unless --bethe is given).")
    ) var emsoftInput: String?
    @Flag(help: "Dynamical: no absorption (TDS) in the Bloch waves.") var noAbsorption = false
    @Option(
        help: ArgumentHelp(
            "Dynamical: also write the Monte Carlo statistics (TIFF: BSE counts per energy bin on the exit-direction grid; depth "
                + "histograms in the description).")
    ) var mcOutput: String?
    @Flag(help: "Compress the TIFF losslessly (Deflate).") var compress = false
    @Option(name: .shortAndLong, help: "Output TIFF.") var output: String

    func validate() throws {
        do { _ = try Phase.resolve(phase) } catch { throw ValidationError("\(error)") }
        guard size >= 3, size % 2 == 1 else { throw ValidationError("--size must be odd and ≥ 3") }
        guard (1...300).contains(kv) else { throw ValidationError("--kv must be 1…300") }
        if let d = dmin, !(d > 0) { throw ValidationError("--dmin must be positive") }
        guard KinematicalSimulator.Intensity(rawValue: intensity) != nil else { throw ValidationError("--intensity must be f2 or f") }
        if dynamical {
            guard ebin > 0 else { throw ValidationError("--ebin must be positive") }
            if let e = emin, !(e > 0 && e <= kv) { throw ValidationError("--emin must be in (0, --kv]") }
            guard electrons > 0 else { throw ValidationError("--electrons must be positive") }
            if bethe != nil {
                guard let b = betheValues else {
                    throw ValidationError("--bethe must be three numbers c1,c2,c3 (EMsoft's Bethe parameters)")
                }
                do { try b.validate() } catch { throw ValidationError("--bethe: \(error)") }
            }
        }
    }

    var betheValues: BetheParameters? {
        guard let text = bethe else { return nil }
        let v = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 3 else { return nil }
        return BetheParameters(strong: v[0], weak: v[1], cutoff: v[2])
    }

    func run() throws {
        let ph = try! Phase.resolve(phase)
        let t0 = Date()
        if let input = emsoftInput {
            do {
                let file = try EMsoftMasterFile(path: input)
                let sim = try DynamicalMasterSimulator(
                    phase: file.phase, voltageKV: file.energiesKeV.max() ?? kv, minimumEnergyKV: file.energiesKeV.min())
                let bar = LockedProgress(label: "Bloch waves", unit: "directions")
                let (mp, yields, seconds) = try sim.masterPattern(
                    size: size, solvers: file.solvers(bethe: betheValues, absorption: !noAbsorption)
                ) { bar.update($0, $1) }
                try mp.write(output, compress: compress)
                FileHandle.standardError.write(
                    Data(
                        String(
                            format:
                                "wrote %@ on %@'s Monte Carlo (%d energy bins, %.1f strong and %.1f weak beams per direction, %.1f s)\n",
                            output, input, file.energiesKeV.count, yields.meanStrongBeams, yields.meanWeakBeams, seconds
                        ).utf8))
            } catch { throw fail(error) }
            return
        }
        if dynamical {
            do {
                var sim = try DynamicalMasterSimulator(phase: ph, voltageKV: kv, minimumEnergyKV: emin, binWidthKV: ebin)
                sim.minimumD = (dmin ?? 0.5) / 10
                sim.bethe = betheValues ?? .emsoftDefaults
                sim.absorption = !noAbsorption
                sim.electrons = electrons
                sim.seed = seed
                sim.sampleTiltDegrees = sampleTilt
                try sim.validate()
                let mcBar = LockedProgress(label: "Monte Carlo", unit: "electrons")
                let blochBar = LockedProgress(label: "Bloch waves", unit: "directions")
                let (mp, stats) = try sim.masterPattern(size: size) { stage, done, total in
                    switch stage {
                    case .monteCarlo: mcBar.update(done, total)
                    case .bloch: blochBar.update(done, total)
                    }
                }
                try mp.write(output, compress: compress)
                if let m = mcOutput { try writeMonteCarlo(stats, to: m) }
                let d = mp.description
                FileHandle.standardError.write(
                    Data(
                        String(
                            format:
                                "wrote %@ (%d directions × %d energy bins, backscatter yield %.3f, Monte Carlo %.1f s, Bloch "
                                + "waves %.1f s, total %.1f s)\n",
                            output, d?.computedDirections ?? 0, sim.bins.count, stats.yield,
                            d?.seconds?["monte_carlo"] ?? 0, d?.seconds?["bloch_waves"] ?? 0, Date().timeIntervalSince(t0)
                        ).utf8))
            } catch { throw fail(error) }
            return
        }
        var sim = KinematicalSimulator(phase: ph, voltageKV: kv)
        sim.minimumD = (dmin ?? 1.0) / 10
        sim.intensity = KinematicalSimulator.Intensity(rawValue: intensity)!
        sim.debyeWaller = !noDebyeWaller
        let mp = sim.masterPattern(size: size)
        do { try mp.write(output, compress: compress) } catch { throw fail(error) }
        FileHandle.standardError.write(
            Data(
                String(format: "wrote %@ (%d reflectors, %.1f s)\n", output, mp.description?.reflectors ?? 0, Date().timeIntervalSince(t0))
                    .utf8))
    }

    /// The Monte Carlo statistics as a TIFF: one page per energy bin (BSE counts on the
    /// exit-direction Lambert grid, sample frame), depth histograms in the JSON description.
    func writeMonteCarlo(_ s: BackscatterStatistics, to path: String) throws {
        struct Info: Encodable {
            var what =
                "backscattered-electron Monte Carlo statistics; page i = energy bin i (counts per exit direction, square Lambert "
                + "of (x, y, -z) in the sample frame, z into the sample, beam along (sin tilt, 0, cos tilt))"
            var energiesKeV: [Double], binWeights: [Double], incidentElectrons: Int, backscatterYield: Double
            var depthStepNM: Double, depthDistributions: [[Double]], meanDepthNM: [Double]
        }
        let info = Info(
            energiesKeV: s.bins.energies, binWeights: s.binWeights, incidentElectrons: s.incidentElectrons, backscatterYield: s.yield,
            depthStepNM: s.depthStep, depthDistributions: (0..<s.bins.count).map { s.depthDistribution(bin: $0) },
            meanDepthNM: (0..<s.bins.count).map { s.meanDepth(bin: $0) })
        let json = String(decoding: try JSONEncoder().encode(info), as: UTF8.self)
        try TIFFWriter.write(
            path, width: s.gridSize, height: s.gridSize, pages: s.directionCounts, type: .float32, description: json, compress: true)
    }
}

/// Progress from several threads (the reporter itself is not thread-safe).
final class LockedProgress: @unchecked Sendable {
    private var bar: ProgressReporter?
    private let lock = NSLock()
    let label: String, unit: String
    init(label: String, unit: String) {
        self.label = label
        self.unit = unit
    }
    func update(_ done: Int, _ total: Int) {
        lock.lock()
        defer { lock.unlock() }
        if bar == nil { bar = ProgressReporter(total: total, label: label, unit: unit) }
        bar!.update(done)
    }
}
