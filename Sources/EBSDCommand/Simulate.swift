import ArgumentParser
import Foundation
import Crystallography
import CrystalMaps
import DetectorGeometry
import PatternSimulation
import DynamicalSimulation
import EBSDImageIO

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate master patterns, detector patterns and synthetic crystal maps.",
        subcommands: [SimulateMaster.self, SimulatePatterns.self, SimulateMap.self]
    )
}

struct SimulateMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Make a reproducible synthetic grain map (Voronoi grains, random orientations).",
        discussion: "Example: ebsd simulate map --phase Na --rows 120 --columns 160 --grains 60 -o SampleMaps/na-deposit.ang"
    )
    @Option(help: "Built-in phase: \(Phase.builtIn.map(\.name).joined(separator: ", ")).") var phase = "Na"
    @Option var rows = 120
    @Option var columns = 160
    @Option(help: "Step size in µm.") var step = 1.0
    @Option var grains = 60
    @Option(help: "Stretch grains along y (columnar deposits: > 1).") var elongation = 1.0
    @Option(help: "Orientation spread inside a grain (degrees).") var spread = 0.5
    @Option(help: "Fraction of not-indexed pixels.") var zeroSolutions = 0.03
    @Option var seed: UInt64 = 2024
    @Option(name: .shortAndLong, help: "Output map (.ang or .ctf).") var output: String

    func validate() throws {
        guard Phase.builtIn(named: phase) != nil else { throw ValidationError("unknown phase '\(phase)'; built-in: \(Phase.builtIn.map(\.name).joined(separator: ", "))") }
        guard rows > 0, columns > 0, grains > 0, step > 0 else { throw ValidationError("rows, columns, grains and step must be positive") }
        guard (0...1).contains(zeroSolutions) else { throw ValidationError("--zero-solutions must be in 0…1") }
    }

    func run() throws {
        var g = SyntheticMapGenerator()
        g.rows = rows; g.columns = columns; g.step = step; g.grains = grains; g.elongationY = elongation
        g.spreadDegrees = spread; g.zeroSolutionFraction = zeroSolutions; g.seed = seed; g.phase = Phase.builtIn(named: phase)!
        do { try MapFile.write(g.make(), to: output) } catch { throw fail(error) }
        FileHandle.standardError.write(Data("wrote \(output)\n".utf8))
    }
}

struct SimulateMaster: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "master",
        abstract: "Simulate a kinematical or dynamical master pattern (square Lambert, north + south) as a 2-page float TIFF.",
        discussion: """
        Kinematical (default): every allowed reflector with d ≥ --dmin (1 Å) contributes a Kikuchi band of its Bragg \
        width at the voltage, weighted by |F|² (or |F| with --intensity f). \
        Dynamical (--dynamical): a Monte Carlo run of backscattered electrons in the tilted sample gives the energy \
        and exit-depth distributions; a Bloch-wave solve per direction of the fundamental sector and per energy bin \
        (beams with d ≥ --dmin, 0.5 Å; Bethe potentials; TDS absorption) gives the backscatter yield, depth- and \
        energy-weighted. Examples: \
        ebsd simulate master --phase Na --kv 20 -o MasterPatterns/Na-20kV-kinematical.tif; \
        ebsd simulate master --dynamical --phase Na --kv 20 -o MasterPatterns/Na-20kV-dynamical.tif
        """
    )
    @Option(help: "Built-in phase (\(Phase.builtIn.map(\.name).joined(separator: ", "))) or a phase .json file.") var phase = "Na"
    @Option(help: "Accelerating voltage in kV.") var kv = 20.0
    @Option(help: "Pixels per hemisphere side (odd).") var size = 501
    @Option(help: "Smallest d-spacing in Å (default 1 kinematical, 0.5 dynamical).") var dmin: Double?
    @Option(help: "Band weight: f2 (|F|²) or f (|F|).") var intensity = "f2"
    @Flag(help: "No Debye–Waller damping of the structure factors.") var noDebyeWaller = false
    @Flag(help: "Dynamical simulation (Monte Carlo + Bloch waves).") var dynamical = false
    @Option(help: "Dynamical: lowest backscatter energy counted, keV (default --kv − 2: the near-elastic electrons).") var emin: Double?
    @Option(help: "Dynamical: energy bin width, keV.") var ebin = 1.0
    @Option(help: "Dynamical: Monte Carlo electrons.") var electrons = 2_000_000
    @Option(help: "Dynamical: Monte Carlo seed.") var seed: UInt64 = 1
    @Option(help: "Dynamical: sample tilt in degrees.") var sampleTilt = 70.0
    @Option(help: "Dynamical: Bethe parameters strong,weak: cut-offs of r = K·|s_g|/|U_g| (EMsoft c1, c2).") var bethe = "16,32"
    @Flag(help: "Dynamical: no absorption (TDS) in the Bloch waves.") var noAbsorption = false
    @Option(help: "Dynamical: also write the Monte Carlo statistics (TIFF: BSE counts per energy bin on the exit-direction grid; depth histograms in the description).") var mcOutput: String?
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
            guard betheValues != nil else { throw ValidationError("--bethe must be two numbers strong,weak with 0 < strong ≤ weak") }
        }
    }

    var betheValues: BetheParameters? {
        let v = bethe.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 2, v[0] > 0, v[1] >= v[0] else { return nil }
        return BetheParameters(strong: v[0], weak: v[1])
    }

    func run() throws {
        let ph = try! Phase.resolve(phase)
        let t0 = Date()
        if dynamical {
            do {
                var sim = try DynamicalMasterSimulator(phase: ph, voltageKV: kv, minimumEnergyKV: emin, binWidthKV: ebin)
                sim.minimumD = (dmin ?? 0.5) / 10
                sim.bethe = betheValues!
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
                FileHandle.standardError.write(Data(String(format: "wrote %@ (%d directions × %d energy bins, backscatter yield %.3f, Monte Carlo %.1f s, Bloch waves %.1f s, total %.1f s)\n",
                                                           output, d?.computedDirections ?? 0, sim.bins.count, stats.yield,
                                                           d?.seconds?["monte_carlo"] ?? 0, d?.seconds?["bloch_waves"] ?? 0, Date().timeIntervalSince(t0)).utf8))
            } catch { throw fail(error) }
            return
        }
        var sim = KinematicalSimulator(phase: ph, voltage: kv * 1000)
        sim.minimumD = (dmin ?? 1.0) / 10
        sim.intensity = KinematicalSimulator.Intensity(rawValue: intensity)!
        sim.debyeWaller = !noDebyeWaller
        let mp = sim.masterPattern(size: size)
        do { try mp.write(output, compress: compress) } catch { throw fail(error) }
        FileHandle.standardError.write(Data(String(format: "wrote %@ (%d reflectors, %.1f s)\n", output, mp.description?.reflectors ?? 0, Date().timeIntervalSince(t0)).utf8))
    }

    /// The Monte Carlo statistics as a TIFF: one page per energy bin (BSE counts on the
    /// exit-direction Lambert grid, sample frame), depth histograms in the JSON description.
    func writeMonteCarlo(_ s: BackscatterStatistics, to path: String) throws {
        struct Info: Encodable {
            var what = "backscattered-electron Monte Carlo statistics; page i = energy bin i (counts per exit direction, square Lambert of (x, y, -z) in the sample frame, z into the sample, beam along (sin tilt, 0, cos tilt))"
            var energiesKeV: [Double], binWeights: [Double], incidentElectrons: Int, backscatterYield: Double
            var depthStepNM: Double, depthDistributions: [[Double]], meanDepthNM: [Double]
        }
        let info = Info(energiesKeV: s.bins.energies, binWeights: s.binWeights, incidentElectrons: s.incidentElectrons, backscatterYield: s.yield,
                        depthStepNM: s.depthStep, depthDistributions: (0..<s.bins.count).map { s.depthDistribution(bin: $0) },
                        meanDepthNM: (0..<s.bins.count).map { s.meanDepth(bin: $0) })
        let json = String(decoding: try JSONEncoder().encode(info), as: UTF8.self)
        try TIFFWriter.write(path, width: s.gridSize, height: s.gridSize, pages: s.directionCounts, type: .float32, description: json, compress: true)
    }
}

/// Progress from several threads (the reporter itself is not thread-safe).
final class LockedProgress: @unchecked Sendable {
    private var bar: ProgressReporter?
    private let lock = NSLock()
    let label: String, unit: String
    init(label: String, unit: String) { self.label = label; self.unit = unit }
    func update(_ done: Int, _ total: Int) {
        lock.lock(); defer { lock.unlock() }
        if bar == nil { bar = ProgressReporter(total: total, label: label, unit: unit) }
        bar!.update(done)
    }
}

struct SimulatePatterns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "Project a master pattern onto the detector for every pixel of a map (scan order) → multi-page TIFF.",
        discussion: "Example: ebsd simulate patterns --master MasterPatterns/Na-20kV-kinematical.tif --orientations map.ang --pc 0.5,0.5,0.6 -o stack.tif"
    )
    @Option(help: "Master pattern TIFF.") var master: String
    @Option(help: "Crystal map (.ang/.ctf/.cpr) giving one orientation per pattern.") var orientations: String
    @OptionGroup var geometry: GeometryOptions
    @Option(help: "Sample type of the stack: float32, uint16 or uint8 (integers are rescaled per pattern).") var type = "float32"
    @Option(name: .shortAndLong, help: "Output multi-page TIFF.") var output: String

    func validate() throws {
        guard ["float32", "uint16", "uint8"].contains(type) else { throw ValidationError("--type must be float32, uint16 or uint8") }
    }

    func run() throws {
        do {
            let mp = try MasterPattern.read(master)
            let map = try MapFile.read(orientations)
            let det = try geometry.detector()
            let proj = PatternProjector(master: mp, detector: det)
            let t0 = Date()
            let flat = proj.patterns(map.rotations)
            let n = det.pixelCount
            var pages: [[Float]] = []
            pages.reserveCapacity(map.count)
            for k in 0..<map.count {
                var p = Array(flat[(k * n)..<((k + 1) * n)])
                if type != "float32" {
                    let top: Float = type == "uint8" ? 255 : 65535
                    let mn = p.min() ?? 0, mx = p.max() ?? 1
                    for i in p.indices { p[i] = mx > mn ? (p[i] - mn) / (mx - mn) * top : 0 }
                }
                pages.append(p)
            }
            let t: TIFFSampleType = type == "uint8" ? .uint8 : type == "uint16" ? .uint16 : .float32
            try TIFFWriter.write(output, width: det.columns, height: det.rows, pages: pages, type: t,
                                 description: "{\"shape\": [\(map.count), \(det.rows), \(det.columns)], \"map_shape\": [\(map.grid.rows), \(map.grid.columns)]}")
            FileHandle.standardError.write(Data(String(format: "wrote %@ (%d patterns, %.0f patterns/s)\n", output, map.count, Double(map.count) / Date().timeIntervalSince(t0)).utf8))
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
