import Foundation
import Testing
import TestSupport
@testable import EBSDCommand
@testable import EBSDPipeline
import DynamicalSimulation
import Figures
import MapCleanup
import PatternSimulation
import Texture
import MapSimulation

/// Issue 26: every option of every `ebsd` command, as the tool itself lists them (`--experimental-dump-help`), is
/// accounted for here: its default is the library's value (compared with the value the tool states), or it has none
/// (left out, the file's or the library's value applies; an input or output), or it is a choice only the tool makes
/// (stated with the reason). A new option fails this test until it is entered with where its default comes from.
@Suite struct OptionInventoryTests {
    /// Where an option's value comes from when it is left out.
    enum Default {
        /// The library's default (rendered as the tool prints defaults).
        case library(String)
        /// None: left out, what the text names applies (the file's value, the library's, no output, …).
        case unset(String)
        /// An on/off flag, off unless given; the text names what it turns on.
        case flag(String)
        /// A choice of the command-line tool alone, with the reason it has no library counterpart.
        case tool(String, value: String)
    }

    static func render(_ v: Any) -> String { "\(v)" }

    /// Keyed by `--name` for an option that means the same in every command, or by `command --name` where it differs.
    static let inventory: [String: Default] = {
        let signal = MatchingSignalOptions(), refinement = RefinementOptions(), dictionary = DictionaryMatchOptions()
        let grains = GrainAnalysis.Parameters(), fill = ZeroSolutionFill(), pseudo = PseudoSymmetryCorrection([.cubicSigma3])
        let synthetic = SyntheticMapGenerator()
        let detector = "DetectorOverrides field: the file's value, else DetectorOptions' default"
        var t: [String: Default] = [
            // detector (DetectorOverrides; OptionMappingTests checks each field)
            "--pc": .unset(detector), "--convention": .unset(detector), "--sample-tilt": .unset(detector),
            "--detector-tilt": .unset(detector), "--azimuthal": .unset(detector), "--pattern-shape": .unset(detector),
            "--binning": .unset(detector), "--pixel-size": .unset(detector), "--pc-map": .unset(detector),
            "--scan": .unset("the file's first scan"), "--map-shape": .unset("the file's map shape, else 1 × count"),
            "--step": .unset("PatternStack.stepMicrons: the file's step, else PatternStack.defaultStepMicrons"),
            "--name-pattern": .unset("ImageFolderNaming.pattern: the automatic rules of ImageFolderLayout"),
            "--name-unit": .unset("ImageFolderNaming.unitMicrons: ImageFolderLayout.oimUnitMicrons"),
            // Hough
            "--bands": .library(render(HoughIndexer.defaultBandCount)),
            "--theta-steps": .library(render(HoughIndexer.defaultThetaCount)),
            "--families": .unset("HoughIndexer's family count for the phase"),
            "--kv": .library(render(Electron.defaultVoltageKV)),
            "--phase": .library(Phase.sodium.name),
            "--ci-threshold": .library(render(HybridIndexer.defaultCIThreshold)),
            "--min-bands": .library(render(HybridIndexer.defaultMinimumBands)),
            // matching signal (MatchingSignalOptions)
            "--static-background": .library(signal.staticBackground.description),
            "--dynamic-background": .unset("MatchingSignalOptions.dynamicBackgroundSigma: off"),
            "--gaussian": .library(render(signal.gaussianSigma)), "--match-binning": .library(render(signal.binning)),
            "--psf": .library(render(signal.psfSigma)), "--circular-mask": .flag("MatchingSignalOptions.circularMask"),
            "--master": .unset("input: the master pattern (required where matching runs)"),
            "--master-energy": .unset("MasterPattern: the energy-weighted sum"),
            // dictionary (DictionaryMatchOptions)
            "--resolution": .library(render(dictionary.resolutionDegrees)), "--top-k": .library(render(dictionary.keep)),
            "--components": .library(render(dictionary.components)), "--fast": .flag("DictionaryMatchOptions.fast"),
            "--memory": .tool("DictionaryMatchOptions.memoryBytes as text; OptionMappingTests compares the bytes", value: "2GB"),
            "--min-score": .unset("DictionaryMatchOptions.minimumScore: none"),
            "--dictionary-cache": .unset("DictionaryMatchOptions.dictionaryCachePath: none"),
            "--precision": .library(dictionary.precision.rawValue),
            // refinement (RefinementOptions)
            "--refine-pc": .flag("RefinementOptions.refinePC"), "--map-pc": .library(render(refinement.mapPCPatterns)),
            "--map-pc-range": .library(render(refinement.mapPCRange)),
            "--map-pc-restarts": .library(render(refinement.mapPCRestarts)),
            "--neighbour-check": .library(render(refinement.neighbourCheckThreshold)),
            "--fast-refine": .flag("RefinementOptions.fastSearch"),
            "--pseudo-symmetry": .unset("RefinementOptions.pseudoSymmetry / PseudoSymmetryCorrection: none"),
            "--refine": .flag("refinement after matching"),
            // NLPAR
            "--nlpar": .flag("NLPAR averaging"), "--nlpar-radius": .library(render(NLPAR.defaultSearchRadius)),
            "--nlpar-lambda": .unset("NLPAR's λ estimated from the stack"),
            // clean-up
            "--fill": .unset("ZeroSolutionFill.neighbourCounts"), "--tolerance": .library(render(fill.toleranceDegrees)),
            "--max-hole": .library(render(fill.maximumHolePixels)), "--fill-last-once": .flag("ZeroSolutionFill.lastOnce"),
            "--wild-spikes": .flag("WildSpikeRemoval"), "--wild-spikes-to-zero": .flag("WildSpikeRemoval(toZeroSolutions:)"),
            "--pseudo-tolerance": .library(render(pseudo.toleranceDegrees)),
            "--max-fragment": .library(render(pseudo.maximumFragmentPixels)),
            "--min-grain-size": .unset("MinimumGrainSize: off"),
            "--order": .tool(
                "the reference study's order of the clean-up steps; a recipe lists its steps",
                value: "wild-spikes,fill,pseudo-symmetry,min-grain-size"),
            "--patterns": .unset("input: the pattern stack (raw-pattern checks)"),
            // grains, boundaries, figures
            "--hagb": .library(render(BoundaryThresholds.defaultHighDegrees)),
            "--lagb": .library(render(BoundaryThresholds.defaultLowDegrees)),
            "--min-size": .library(render(grains.minimumPixels)), "--connectivity": .library(render(grains.connectivity.rawValue)),
            "--csv": .unset("output: no CSV"), "--dpi": .library(render(Figure.defaultDPI)),
            "--width-mm": .unset("the figure's natural width"), "--direction": .library(SampleDirection.z.rawValue),
            "--scale": .library(render(MapRenderer.defaultScale)),
            "--unindexed": .library(IPFMap.colourText(MapRenderer.defaultUnindexedColor)),
            "--boundaries": .flag("BoundaryMap drawn"), "--shade": .unset("no shading"), "--no-footer": .flag("MapFigure.footer off"),
            "--kam-max": .library(render(CrystalMap.defaultKAMMaximumDegrees)),
            "--kernel": .library(SphericalKernel.defaultShape.rawValue),
            "--half-width": .library(render(SphericalKernel.defaultHalfWidthDegrees)),
            "--projection": .library(PoleFigure.defaultProjection.rawValue),
            "--pairs": .library(render(MisorientationDistribution.defaultUncorrelatedPairs)),
            "--sigma": .tool("which CSL boundaries a figure draws (Σ3 twins unless asked)", value: "3"),
            "--poles": .unset("PoleFigure's families for the phase"), "--scatter": .flag("PoleFigurePlot.scatter"),
            // calibration
            "--neighbourhood": .library(render(HoughThenMatchingPCCalibration.defaultNeighbourhood)),
            "--range": .library(render(PCSearch().range)), "--restarts": .unset("HoughPCCalibration's restarts"),
            "--shifts": .unset("no moving-screen shifts"), "--moving-screen": .unset("no moving-screen calibration"),
            "--grid": .unset("one PC for the stack"), "--pc-map-output": .unset("output: no PC map"),
            // files and runs
            "--output": .unset("output path (required where a command writes)"), "--json": .unset("text output"),
            "--frame": .tool("a frame change the user asks for; orientations are copied as stored", value: "stored"),
            "--decimal": .unset("CtfFile.decimalSeparatorKey: the input file's separator, else a point"),
            "--dry-run": .flag("plan only"), "--fresh": .flag("ignore earlier results"),
            "--slurm": .flag("submit to Slurm"), "--shards": .unset("ShardPlan: one shard"), "--shard": .unset("all shards"),
            "--prepare-shards": .flag("cluster preparation"), "--merge-shards": .flag("cluster merge"),
            // the map viewer
            "--port": .tool("ebsd view's port on 127.0.0.1: 0 lets the system pick a free one", value: "0"),
            "--seconds": .unset("ebsd view serves until interrupted"),
            // preprocessing
            "--operation": .tool("background removal is subtracted unless asked; each library step names its operation", value: "subtract"),
            "--type": .tool("the written sample type; the library writes what it is given", value: "float32"),
            "--chunk-rows": .unset("PatternStack.mapRows(fitting: PatternStack.defaultChunkBytes)"),
            "--normalize": .flag("normalised output"), "--npar": .flag("neighbour pattern averaging"),
            // simulation
            "--size": .library(render(KinematicalSimulator.defaultMasterSize)),
            "--intensity": .library(KinematicalSimulator.defaultIntensity.rawValue),
            "--dmin": .unset("the simulator's d-spacing limit"), "--no-debye-waller": .flag("KinematicalSimulator.debyeWaller off"),
            "--dynamical": .flag("DynamicalMasterSimulator"), "--emin": .unset("voltage − 2 keV"),
            "--ebin": .library(render(DynamicalMasterSimulator.defaultBinWidthKV)),
            "--electrons": .library(render(BackscatterMonteCarlo.defaultElectrons)),
            "--bethe": .unset("BetheParameters()"), "--emsoft-input": .unset("our own Monte Carlo"),
            "--no-absorption": .flag("absorption off"), "--mc-output": .unset("output: none"), "--compress": .flag("Deflate"),
            "--orientations": .unset("random orientations"),
            "--rows": .library(render(synthetic.rows)), "--columns": .library(render(synthetic.columns)),
            "--grains": .library(render(synthetic.grains)), "--elongation": .library(render(synthetic.elongationY)),
            "--spread": .library(render(synthetic.spreadDegrees)), "--zero-solutions": .library(render(synthetic.zeroSolutionFraction)),
            "--gradient": .library(render(synthetic.gradientDegreesPerPixel)), "--twins": .library(render(synthetic.twinFraction)),
            "--noise": .library(render(synthetic.noiseFraction)),
        ]
        // the same name, another meaning or default in one command
        t["simulate master --sample-tilt"] = .library(render(BackscatterMonteCarlo.defaultSampleTiltDegrees))
        t["simulate master --seed"] = .library(render(BackscatterMonteCarlo.defaultSeed))
        t["simulate map --seed"] = .library(render(synthetic.seed))
        t["synth --seed"] = .unset("the sample's own seed")
        t["simulate map --step"] = .library(render(synthetic.step))
        t["simulate map --phase"] = .library(synthetic.phase.name)
        for c in ["index match", "index hybrid", "refine"] {
            t["\(c) --phase"] = .unset("the master pattern's own phase (MasterPattern.requirePhase)")
        }
        t["plot --phase"] = .unset("the map's first phase")
        t["preprocess --gaussian"] = .unset("no Gaussian filter")
        t["preprocess --static-background"] = .unset("no static background")
        t["calibrate --static-background"] = .library(HoughIndexer.defaultStaticBackground.description)
        t["index hough --hough-binning"] = .unset("HoughIndexer.automaticBinning: to at most 120 px a side")
        t["index hough --static-background"] = .library(HoughIndexer.defaultStaticBackground.description)
        t["calibrate --patterns"] = .unset("input: the patterns")
        t["grains --json"] = .unset("output: no JSON")
        return t
    }()

    struct Listed {
        var command: String, name: String, kind: String, defaultValue: String?
    }

    /// Every option of every command, from the tool's own description of itself.
    static func listed() throws -> [Listed] {
        let r = try runEBSD(["--experimental-dump-help"])
        try #require(r.status == 0, "ebsd --experimental-dump-help: \(r.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        var out: [Listed] = []
        func walk(_ c: [String: Any], _ path: [String]) {
            for a in c["arguments"] as? [[String: Any]] ?? [] where a["kind"] as? String != "positional" {
                let names = a["names"] as? [[String: Any]] ?? []
                guard let long = names.first(where: { $0["kind"] as? String == "long" })?["name"] as? String,
                    long != "help", long != "version"
                else { continue }
                out.append(
                    Listed(
                        command: path.joined(separator: " "), name: long, kind: a["kind"] as? String ?? "",
                        defaultValue: a["defaultValue"] as? String))
            }
            for s in c["subcommands"] as? [[String: Any]] ?? [] { walk(s, path + [s["commandName"] as? String ?? "?"]) }
        }
        walk(try #require(root["command"] as? [String: Any]), [])
        return out
    }

    @Test func everyOptionHasItsDefaultFromTheLibrary() throws {
        let options = try Self.listed()
        #expect(options.count > 300, "the tool lists \(options.count) options")
        var library = 0
        for o in options {
            let label = "ebsd \(o.command) --\(o.name)"
            guard let want = Self.inventory["\(o.command) --\(o.name)"] ?? Self.inventory["--\(o.name)"] else {
                Issue.record("\(label) (default \(o.defaultValue ?? "none")) is not in the inventory: enter where its default comes from")
                continue
            }
            switch want {
            case .library(let v):
                library += 1
                let same = o.defaultValue == v || (o.defaultValue.flatMap(Double.init).map { $0 == Double(v) } ?? false)
                #expect(same, "\(label): the tool's default \(o.defaultValue ?? "none") ≠ the library's \(v)")
            case .unset(let why): #expect(o.defaultValue == nil, "\(label) has a default \(o.defaultValue ?? ""); inventory: \(why)")
            case .flag: #expect(o.kind == "flag", "\(label) is a \(o.kind), not a flag")
            case .tool(_, let v): #expect(o.defaultValue == v, "\(label): \(o.defaultValue ?? "none") ≠ \(v)")
            }
        }
        let commands = Set(options.map(\.command)).count
        print("ebsd options: \(options.count) of \(commands) commands; \(library) with the library's default checked")
        #expect(library > 60, "options whose default is the library's: \(library)")
    }
}
