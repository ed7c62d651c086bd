import ArgumentParser
import Foundation
import EBSDPipeline

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Clean a crystal map: wild spikes, zero-solution filling, pseudo-symmetry, minimum grain size.",
        discussion: """
            Steps run in the order of --order (default: wild-spikes,fill,pseudo-symmetry,min-grain-size), each only \
            when asked for. The reference study: --wild-spikes --fill 6,5 --pseudo-symmetry 60@111 with the raw \
            patterns checked (--patterns STACK --master MP and the detector options). Channel 5's classic rule: \
            --fill 8,7,6,5 --fill-last-once. Holes larger than --max-hole pixels (pores) are never filled.
            """
    )
    static let fillDefaults = ZeroSolutionFill()
    static let pseudoDefaults = PseudoSymmetryCorrection(operators: [])

    @Argument(help: "Input map (.ang, .ctf, .cpr).") var file: String
    @Flag(help: "Replace wild spikes by their neighbours' mean orientation.") var wildSpikes = false
    @Flag(help: "Set wild spikes to zero solutions instead.") var wildSpikesToZero = false
    @Option(help: "Zero-solution fill: neighbour counts in order, e.g. 6,5.") var fill: String?
    @Flag(help: "Run the last fill count once only (Channel-5 rule).") var fillLastOnce = false
    @Option(help: "Largest hole (pixels) that is filled; larger ones (pores) stay empty.") var maxHole = fillDefaults.maximumHolePixels
    @Option(help: "Pseudo-symmetry operators ANGLE@UVW, comma-separated, e.g. 60@111.") var pseudoSymmetry: String?
    @Option(help: "Largest fragment (pixels) the pseudo-symmetry step may flip.") var maxFragment = pseudoDefaults.maximumFragmentPixels
    @Option(help: "Dissolve grains smaller than this many pixels.") var minGrainSize: Int?
    @Option(help: "Misorientation tolerance in degrees (spikes, fill, grains).") var tolerance = fillDefaults.toleranceDegrees
    @Option(help: "Tolerance of the pseudo-symmetry relation in degrees.") var pseudoTolerance = pseudoDefaults.toleranceDegrees
    @Option(help: "Order of the steps.") var order = "wild-spikes,fill,pseudo-symmetry,min-grain-size"
    @Option(help: "Raw pattern stack, to confirm each pseudo-symmetry flip on its pattern.") var patterns: String?
    @Option(help: "Master pattern for the pattern check.") var master: String?
    @OptionGroup var geometry: GeometryOptions
    @OptionGroup var names: FolderNamingOption
    @Option(help: "Dynamic-background σ (px) for the pattern check (0 = none; default width/8, as matching).") var dynamicBackground:
        Double?
    @Option(name: .shortAndLong, help: "Output map (.ang, .ctf or .h5 in orix's layout).") var output: String

    static let knownSteps = ["wild-spikes", "fill", "pseudo-symmetry", "min-grain-size"]

    var fillCounts: [Int]? {
        get throws {
            guard let f = fill else { return nil }
            let v = f.split(separator: ",").compactMap { Int($0) }
            guard !v.isEmpty, v.count == f.split(separator: ",").count, v.allSatisfy({ (1...8).contains($0) }) else {
                throw ValidationError("--fill must be neighbour counts 1…8, e.g. 6,5 (got '\(f)')")
            }
            return v
        }
    }

    var operators: [PseudoSymmetryOperator] {
        get throws {
            try (pseudoSymmetry ?? "").split(separator: ",").map { op in
                do { return try PseudoSymmetryOperator(parsing: String(op)) } catch { throw ValidationError("\(error)") }
            }
        }
    }

    func validate() throws {
        guard tolerance > 0 else { throw ValidationError("--tolerance must be > 0° (got \(tolerance))") }
        guard pseudoTolerance > 0 else { throw ValidationError("--pseudo-tolerance must be > 0°") }
        guard maxHole >= 0, maxFragment >= 1 else { throw ValidationError("--max-hole must be ≥ 0 and --max-fragment ≥ 1") }
        _ = try fillCounts
        _ = try operators
        if let m = minGrainSize { guard m >= 1 else { throw ValidationError("--min-grain-size must be ≥ 1") } }
        guard (patterns == nil) == (master == nil) else { throw ValidationError("--patterns and --master go together") }
        for s in order.split(separator: ",") where !Self.knownSteps.contains(String(s)) {
            throw ValidationError("--order: unknown step '\(s)' (known: \(Self.knownSteps.sorted().joined(separator: ", ")))")
        }
        try requireMapOutput(output)
    }

    func run() throws {
        do {
            let map = try readMap(file)
            guard map.indexedCount > 0 else { throw ValidationError("\(file): the map has no indexed pixel") }
            var verify: (@Sendable (Int, Rotation, Rotation) -> Bool)?
            if let sp = patterns, let mpPath = master {
                let (det, stack) = try geometry.detectorAndStack(
                    sp, mapShape: (map.grid.rows, map.grid.columns), naming: try names.naming())
                verify =
                    PatternFlipCheck(
                        stack: stack, master: try MasterPattern.read(mpPath), detector: det,
                        dynamicBackgroundSigma: dynamicBackground
                    ).verifier
            }
            var steps: [any CleanupStep] = []
            for s in order.split(separator: ",") {
                switch s {
                case "wild-spikes" where wildSpikes || wildSpikesToZero:
                    steps.append(WildSpikeRemoval(toleranceDegrees: tolerance, replaceWithZeroSolution: wildSpikesToZero))
                case "fill":
                    if let counts = try fillCounts {
                        steps.append(
                            ZeroSolutionFill(
                                neighbourCounts: counts, toleranceDegrees: tolerance, maximumHolePixels: maxHole, lastOnce: fillLastOnce))
                    }
                case "pseudo-symmetry" where pseudoSymmetry != nil:
                    var p = PseudoSymmetryCorrection(try operators, toleranceDegrees: pseudoTolerance, verify: verify)
                    p.maximumFragmentPixels = maxFragment
                    steps.append(p)
                case "min-grain-size":
                    if let m = minGrainSize { steps.append(MinimumGrainSize(minimumPixels: m, thresholdDegrees: tolerance)) }
                default: break
                }
            }
            guard !steps.isEmpty else {
                throw ValidationError("no clean-up step asked for (--wild-spikes, --fill, --pseudo-symmetry, --min-grain-size)")
            }
            let (out, reports) = try map.cleaned(by: steps)
            try MapFile.write(out, to: output)
            for r in reports { say("\(r)") }
            say(String(format: "indexed %.2f %% → %.2f %%; wrote %@", 100 * map.indexedFraction, 100 * out.indexedFraction, output))
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
