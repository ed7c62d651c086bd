import EBSDCore
import ArgumentParser
import Foundation
import MapSimulation
import EBSDPipeline
import Crystallography
import CrystalMaps
import DetectorGeometry
import PatternSimulation
import PatternStacks
import Preprocessing
import EBSDImageIO

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a synthetic sample: microstructure, its ground-truth map and a realistic pattern stack.",
        discussion: """
            Samples: na-foil-topview (Voronoi grains of a few hundred µm, 10 µm steps), na-foil-lowdose (12 grains, \
            patterns with ~20 counts at their peak, as beam-sensitive Li/Na are recorded), \
            na-electrodeposit-cross-section and li-electrodeposit-cross-section (columnar grains 10–150 µm wide \
            perpendicular to the interface at the bottom, pores at the interface, a pseudo-symmetric 60°<111> \
            cluster and wild spikes in the "as indexed" map). Patterns are projected from the project's own \
            kinematical master pattern and degraded with blur, background, gain and Poisson noise. \
            Example: ebsd synth na-electrodeposit-cross-section -o SampleMaps/na-electrodeposit-cross-section
            """
    )
    enum Sample: String, ExpressibleByArgument, CaseIterable {
        case naFoilTopview = "na-foil-topview"
        case naFoilLowDose = "na-foil-lowdose"
        case naElectrodepositCrossSection = "na-electrodeposit-cross-section"
        case liElectrodepositCrossSection = "li-electrodeposit-cross-section"
    }
    @Argument(help: "Sample: \(Sample.allCases.map(\.rawValue).joined(separator: ", ")).") var sample: Sample
    @Option(help: "Master pattern (default: MasterPatterns/<phase>-20kV-kinematical.tif).") var master: String?
    @OptionGroup var geometry: GeometryOptions
    @Option(help: "Random seed (default: 7, or 8 for the Li cross-section).") var seed: UInt64?
    @Option(name: .shortAndLong, help: "Output folder.") var output: String

    /// Counts at the background peak of the low-dose sample's patterns.
    static let lowDosePeakCounts = 20.0
    /// Grains of the low-dose sample.
    static let lowDoseGrains = 12

    func run() throws {
        let seed = self.seed ?? (sample == .liElectrodepositCrossSection ? 8 : 7)
        let phase: Phase = sample == .liElectrodepositCrossSection ? .lithium : .sodium
        let mpPath = master ?? "MasterPatterns/\(phase.name)-20kV-kinematical.tif"
        do {
            let mp = try MasterPattern.read(mpPath)
            let det = try geometry.detector()
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            var truth: CrystalMap
            var indexed: CrystalMap?
            var poor = Set<Int>(), pores = Set<Int>()
            var notes: [String] = []
            switch sample {
            case .naFoilTopview, .naFoilLowDose:
                let lowDose = sample == .naFoilLowDose
                var g = SyntheticMapGenerator()
                g.rows = 40
                g.columns = 50
                g.step = 10
                g.grains = lowDose ? Self.lowDoseGrains : 5
                g.spreadDegrees = 0.3
                g.zeroSolutionFraction = 0
                g.seed = seed
                g.phase = phase
                truth = g.make()
                truth.properties = [MapProperty.confidenceIndex: [Float](repeating: 1, count: truth.count)]
                notes.append(
                    "\(g.grains) Voronoi grains in 400 × 500 µm (a few hundred µm each), random orientations, 0.3° in-grain "
                        + "spread; top view (use IPF-Z)."
                )
                if lowDose {
                    notes.append(
                        "Low dose: ~\(Int(Self.lowDosePeakCounts)) counts at the background peak (the other samples: 100), as "
                            + "beam-sensitive Li and Na are recorded; neighbours share orientations, so NLPAR can average.")
                }
            case .naElectrodepositCrossSection, .liElectrodepositCrossSection:
                var g = ColumnarDepositGenerator()
                g.phase = phase
                g.seed = seed
                let r = g.make()
                truth = r.truth
                indexed = r.asIndexed
                pores = Set(r.porePixels)
                poor = Set(r.wildSpikePixels)
                notes.append(
                    "Columnar grains 10–150 µm wide, boundaries perpendicular to the current-collector interface (bottom row), 3 "
                        + "µm steps, 24 × 100 pixels (72 × 300 µm); cross section (use IPF-Y)."
                )
                notes.append(
                    "Pores at the interface: \(r.porePixels.count) pixels (patterns carry background and noise only; not indexed "
                        + "in the truth)."
                )
                notes.append(
                    "`indexed.ang` = truth with \(r.pseudoSymmetricPixels.count) pixels of one grain replaced by their 60°<111> "
                        + "pseudo-symmetric variant (pixel indices "
                        + "\(r.pseudoSymmetricPixels.map(String.init).joined(separator: ", "))) and \(r.wildSpikePixels.count) "
                        + "wild spikes (random orientations at pixels "
                        + "\(r.wildSpikePixels.map(String.init).joined(separator: ", ")), whose patterns have 30 % of the normal "
                        + "band contrast). The patterns themselves always show the true orientation."
                )
            }
            try MapFile.write(truth, to: (output as NSString).appendingPathComponent("truth.ang"))
            if let indexed { try MapFile.write(indexed, to: (output as NSString).appendingPathComponent("indexed.ang")) }
            let projector = PatternProjector(master: mp, detector: det)
            var deg = PatternDegradation(rows: det.rows, columns: det.columns)
            deg.seed = seed
            if sample == .naFoilLowDose { deg.peakCounts = Self.lowDosePeakCounts }
            let blur = GaussianBlur(rows: det.rows, columns: det.columns, sigma: deg.psfSigma)
            let n = truth.count, np = det.pixelCount
            let clean = projector.patterns(truth.rotations)
            let poreSet = pores, poorSet = poor, degradation = deg
            var noisy = [[Float]](repeating: [], count: n)
            noisy.withUnsafeMutableBufferPointer { buf in
                let out = UncheckedPointer(buf.baseAddress!)
                parallelFor(n) { k in
                    let c = Array(clean[(k * np)..<((k + 1) * np)])
                    let scale = poreSet.contains(k) ? 0 : (poorSet.contains(k) ? 0.3 : 1)
                    out.p[k] = degradation.apply(c, index: k, contrastScale: scale, blur: { blur.apply($0) })
                }
            }
            let stackPath = (output as NSString).appendingPathComponent("patterns.tif")
            let w = try TIFFPageWriter(
                stackPath, width: det.columns, height: det.rows, type: .uint8,
                description: "{\"shape\": [\(n), \(det.rows), \(det.columns)], \"map_shape\": [\(truth.grid.rows), \(truth.grid.columns)]}",
                compress: true)
            for p in noisy { try w.append(p) }
            try w.finish()
            try readme(truth: truth, detector: det, masterPath: mpPath, phase: phase, notes: notes, peakCounts: deg.peakCounts)
            FileHandle.standardError.write(Data("wrote \(output)/ (\(n) patterns of \(det.rows)×\(det.columns) px)\n".utf8))
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }

    func readme(truth: CrystalMap, detector d: Detector, masterPath: String, phase: Phase, notes: [String], peakCounts: Double) throws {
        let seed = self.seed ?? (sample == .liElectrodepositCrossSection ? 8 : 7)
        func f(_ p: PatternCenter) -> String { String(format: "(%.6g, %.6g, %.6g)", p.x, p.y, p.z) }
        var s = "# \(sample.rawValue)\n\nSynthetic \(phase.name) sample made by this project:\n\n"
        s +=
            "```\nebsd synth \(sample.rawValue) --seed \(seed) \(geometry.commandLine) -o <folder>\n```\n\n"
        s += "| file | content |\n|---|---|\n"
        s +=
            "| `patterns.tif` | \(truth.count) patterns, \(d.rows) × \(d.columns) px, uint8, Deflate-compressed multi-page TIFF "
            + "in scan order (map \(truth.grid.rows) rows × \(truth.grid.columns) columns, stated in the TIFF description) |\n"
        s += "| `truth.ang` | ground-truth orientations (Bunge, radians, as stored; CI −1 = not indexed) |\n"
        if FileManager.default.fileExists(atPath: (output as NSString).appendingPathComponent("indexed.ang")) {
            s += "| `indexed.ang` | the truth with the defects a clean-up must repair (below) |\n"
        }
        s += "\n## Microstructure\n\n" + notes.map { "- \($0)" }.joined(separator: "\n") + "\n"
        s += String(format: "- Step %.4g µm; map %d × %d pixels.\n", truth.grid.stepX, truth.grid.rows, truth.grid.columns)
        s += "\n## Detector\n\n"
        s +=
            "- Pattern \(d.rows) × \(d.columns) px, sample tilt \(d.sampleTilt)°, detector tilt \(d.detectorTilt)°, azimuth "
            + "\(d.azimuthal)°, 20 kV.\n"
        s +=
            "- Pattern centre: Bruker \(f(d.pc(in: .bruker))), EDAX/TSL \(f(d.pc(in: .tsl))), Oxford \(f(d.pc(in: .oxford))), "
            + "EMsoft v5 \(f(d.pc(in: .emsoft))) (pixel size \(d.pixelSize) µm, binning \(d.binning)).\n"
        s += "- Master pattern: `\(masterPath)` (kinematical, this project).\n"
        s +=
            "- Degradation: Gaussian point spread σ = 0.8 px, off-centre Gaussian background (floor 0.25), band contrast 0.3, "
            + "gain 0.8–1.2, Poisson noise with ~\(Int(peakCounts)) counts at the background peak.\n"
        try s.write(toFile: (output as NSString).appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
    }
}
