import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import CrystalMaps
import HoughIndexing
import PatternStacks

struct IndexHough: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hough",
        abstract: "Hough (Radon) indexing: bands → pair voting against each phase's reflectors → least-squares fit.",
        discussion: """
            Example: ebsd index hough SampleMaps/na-foil-topview/patterns.tif --phase Na --pc 0.5,0.5,0.6 -o map.ang. \
            Several --phase options index against all of them and keep the best per pattern. Figures of merit \
            written: CI (vote margin), fit (mean angular deviation, °), bands detected and matched.
            """
    )
    @Argument(help: "Pattern stack.") var stack: String
    @Option(help: "Phase (built-in name or .json); repeat for several.") var phase: [String] = ["Na"]
    @OptionGroup var geometry: GeometryOptions
    @OptionGroup var map: ScanGridOption
    @OptionGroup var nlpar: NLPAROptions
    @Option(help: "Bands per pattern.") var bands = HoughIndexer.defaultBandCount
    @Option(help: "Hough angle steps over 180°.") var thetaSteps = HoughIndexer.defaultThetaCount
    @Option(help: "Accelerating voltage in kV (band width).") var kv = Electron.defaultVoltageKV
    @Option(help: "Reflector families per phase (4: the classic lists; 5 helps tell similar phases apart, e.g. Na and Na2O).") var families:
        Int?
    @Option(help: "Bin patterns by this factor for Hough (default: automatic, to at most 120 px a side; 1: full size).")
    var houghBinning: Int?
    @Option(help: "Static background subtracted first: auto (the file's where it has one), none, file, mean or an image.")
    var staticBackground = HoughIndexer.defaultStaticBackground.description
    @Option(name: .shortAndLong, help: "Output map (.ang, .ctf or .h5 in orix's layout).") var output: String

    func validate() throws {
        if let f = families, !(3...8).contains(f) { throw ValidationError("--families must be 3…8") }
        for p in phase { do { _ = try Phase.resolve(p) } catch { throw ValidationError("\(error)") } }
        guard (3...20).contains(bands) else { throw ValidationError("--bands must be 3…20") }
        guard (30...720).contains(thetaSteps) else { throw ValidationError("--theta-steps must be 30…720") }
        let d = try geometry.detector().pc()
        guard d.x > 0, d.x < 1, d.y > 0, d.y < 1, d.z > 0 else {
            throw ValidationError("the pattern centre (Bruker \(d.x), \(d.y), \(d.z)) must have x, y in (0, 1) and z > 0")
        }
        try requireMapOutput(output)
    }

    func run() throws {
        do {
            let (det, s) = try geometry.detectorAndStack(
                stack, mapShape: try map.shape(), stepMicrons: map.step, naming: try map.names.naming(), nlpar: nlpar)
            let phases = try phase.map { try Phase.resolve($0) }
            if let b = houghBinning, let problem = HoughIndexer.binningProblem(b, rows: det.rows, columns: det.columns) {
                throw ValidationError("--hough-binning: \(problem)")
            }
            let hi = HoughIndexer(
                detector: det, phases: phases, thetaCount: thetaSteps, bandCount: bands, voltageKV: kv,
                familyCount: families, staticBackground: try StaticBackground(staticBackground).image(for: s.withoutNLPAR),
                binning: houghBinning)
            let progress = ProgressReporter(total: s.count, label: "hough")
            let t0 = Date()
            let m = try hi.index(stack: s, progress: { progress.update($0) })
            try MapFile.write(m, to: output)
            FileHandle.standardError.write(
                Data(
                    String(
                        format: "indexed %d patterns (%.2f %% solved) at %.0f patterns/s; wrote %@\n", m.count, 100 * m.indexedFraction,
                        Double(m.count) / Date().timeIntervalSince(t0), output
                    ).utf8))
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
