import ArgumentParser
import Foundation
import Crystallography
import CrystalMaps
import Grains
import MapCleanup
import DetectorGeometry
import PatternSimulation
import PatternStacks
import Preprocessing

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
    @Argument(help: "Input map (.ang, .ctf, .cpr).") var file: String
    @Flag(help: "Replace wild spikes by their neighbours' mean orientation.") var wildSpikes = false
    @Flag(help: "Set wild spikes to zero solutions instead.") var wildSpikesToZero = false
    @Option(help: "Zero-solution fill: neighbour counts in order, e.g. 6,5.") var fill: String?
    @Flag(help: "Run the last fill count once only (Channel-5 rule).") var fillLastOnce = false
    @Option(help: "Largest hole (pixels) that is filled; larger ones (pores) stay empty.") var maxHole = 10
    @Option(help: "Pseudo-symmetry operators ANGLE@UVW, comma-separated, e.g. 60@111.") var pseudoSymmetry: String?
    @Option(help: "Largest fragment (pixels) the pseudo-symmetry step may flip.") var maxFragment = 200
    @Option(help: "Dissolve grains smaller than this many pixels.") var minGrainSize: Int?
    @Option(help: "Misorientation tolerance in degrees (spikes, fill, grains).") var tolerance = 10.0
    @Option(help: "Tolerance of the pseudo-symmetry relation in degrees.") var pseudoTolerance = 5.0
    @Option(help: "Order of the steps.") var order = "wild-spikes,fill,pseudo-symmetry,min-grain-size"
    @Option(help: "Raw pattern stack, to confirm each pseudo-symmetry flip on its pattern.") var patterns: String?
    @Option(help: "Master pattern for the pattern check.") var master: String?
    @OptionGroup var geometry: GeometryOptions
    @Option(help: "Dynamic-background σ (px) for the pattern check.") var dynamicBackground = 0.0
    @Option(name: .shortAndLong, help: "Output map (.ang or .ctf).") var output: String

    func validate() throws {
        guard tolerance > 0 else { throw ValidationError("--tolerance must be > 0° (got \(tolerance))") }
        guard pseudoTolerance > 0 else { throw ValidationError("--pseudo-tolerance must be > 0°") }
        guard maxHole >= 0, maxFragment >= 1 else { throw ValidationError("--max-hole must be ≥ 0 and --max-fragment ≥ 1") }
        if let f = fill {
            let v = f.split(separator: ",").compactMap { Int($0) }
            guard !v.isEmpty, v.count == f.split(separator: ",").count, v.allSatisfy({ (1...8).contains($0) }) else {
                throw ValidationError("--fill must be neighbour counts 1…8, e.g. 6,5 (got '\(f)')")
            }
        }
        if let p = pseudoSymmetry {
            for op in p.split(separator: ",") {
                do { _ = try PseudoSymmetryCorrection.parseOperator(String(op)) } catch { throw ValidationError("\(error)") }
            }
        }
        if let m = minGrainSize { guard m >= 1 else { throw ValidationError("--min-grain-size must be ≥ 1") } }
        guard (patterns == nil) == (master == nil) else { throw ValidationError("--patterns and --master go together") }
        let known = Set(["wild-spikes", "fill", "pseudo-symmetry", "min-grain-size"])
        for s in order.split(separator: ",") where !known.contains(String(s)) { throw ValidationError("--order: unknown step '\(s)' (known: \(known.sorted().joined(separator: ", ")))") }
        guard MapFile.writableExtensions.contains((output as NSString).pathExtension.lowercased()) else { throw ValidationError("output must end in .ang or .ctf") }
        try requireOutputFolder(output)
    }

    func run() throws {
        do {
            let map = try MapFile.read(file)
            guard map.indexedCount > 0 else { throw ValidationError("\(file): the map has no indexed pixel") }
            var verify: (@Sendable (Int, Rotation, Rotation) -> Bool)?
            if let sp = patterns, let mpPath = master {
                let (det, stack) = try geometry.detectorAndStack(sp, mapShape: (map.grid.rows, map.grid.columns))
                verify = patternCheck(stack: stack, master: try MasterPattern.read(mpPath), detector: det, dynamicBackground: dynamicBackground)
            }
            var steps: [any CleanupStep] = []
            for s in order.split(separator: ",") {
                switch s {
                case "wild-spikes" where wildSpikes || wildSpikesToZero:
                    steps.append(WildSpikeRemoval(toleranceDegrees: tolerance, replaceWithZeroSolution: wildSpikesToZero))
                case "fill" where fill != nil:
                    steps.append(ZeroSolutionFill(neighbourCounts: fill!.split(separator: ",").compactMap { Int($0) }, toleranceDegrees: tolerance,
                                                  maximumHolePixels: maxHole, lastOnce: fillLastOnce))
                case "pseudo-symmetry" where pseudoSymmetry != nil:
                    var p = PseudoSymmetryCorrection(operators: try pseudoSymmetry!.split(separator: ",").map { try PseudoSymmetryCorrection.parseOperator(String($0)) },
                                                     toleranceDegrees: pseudoTolerance, verify: verify)
                    p.maximumFragmentPixels = maxFragment
                    steps.append(p)
                case "min-grain-size" where minGrainSize != nil:
                    steps.append(MinimumGrainSize(minimumPixels: minGrainSize!, thresholdDegrees: tolerance))
                default: break
                }
            }
            guard !steps.isEmpty else { throw ValidationError("no clean-up step asked for (--wild-spikes, --fill, --pseudo-symmetry, --min-grain-size)") }
            let (out, reports) = try map.cleaned(by: steps)
            try MapFile.write(out, to: output)
            for r in reports { FileHandle.standardError.write(Data("\(r)\n".utf8)) }
            FileHandle.standardError.write(Data(String(format: "indexed %.2f %% → %.2f %%; wrote %@\n", 100 * map.indexedFraction, 100 * out.indexedFraction, output).utf8))
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}

struct GrainsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grains",
        abstract: "Segment grains and report sizes: per-grain CSV, JSON statistics (ECD, intercepts, ASTM E112/E2627).",
        discussion: "Example: ebsd grains SampleMaps/na-deposit.ang --hagb 10 --lagb 2 --min-size 5 --csv grains.csv --json stats.json"
    )
    @Argument(help: "Map file.") var file: String
    @Option(help: "Grain boundary threshold (HAGB) in degrees.") var hagb = 10.0
    @Option(help: "Low-angle boundary threshold in degrees.") var lagb = 2.0
    @Option(help: "Ignore grains smaller than this many pixels.") var minSize = 0
    @Option(help: "Connectivity: 4 or 8.") var connectivity = 8
    @Option(help: "Per-grain table.") var csv: String?
    @Option(help: "Statistics and parameters as JSON.") var json: String?

    func validate() throws {
        guard hagb > 0, lagb > 0, lagb < hagb else { throw ValidationError("thresholds must satisfy 0 < --lagb < --hagb (got \(lagb), \(hagb))") }
        guard minSize >= 0 else { throw ValidationError("--min-size must be ≥ 0") }
        guard connectivity == 4 || connectivity == 8 else { throw ValidationError("--connectivity must be 4 or 8") }
        for p in [csv, json].compactMap({ $0 }) { try requireOutputFolder(p) }
    }

    func run() throws {
        do {
            let map = try MapFile.read(file)
            guard map.indexedCount > 0 else { throw ValidationError("\(file): the map has no indexed pixel") }
            let gm = GrainSegmentation(thresholdDegrees: hagb, connectivity: connectivity == 4 ? .four : .eight, minimumPixels: minSize).segment(map)
            let st = GrainStatistics(gm)
            let b = BoundaryMap(map, lowDegrees: lagb, highDegrees: hagb).lengths(map.grid)
            let e = st.e2627
            print(String(format: "grains: %d (≥ %d px, %g°, %d-connected)", st.count, minSize, hagb, connectivity))
            print(String(format: "ECD: mean %.4g µm, median %.4g µm; area-weighted mean %.4g µm, median %.4g µm", st.meanECD, st.medianECD, st.areaWeightedMeanECD, st.areaWeightedMedianECD))
            print(String(format: "mean lineal intercept: x %.4g µm, y %.4g µm", st.meanInterceptX, st.meanInterceptY))
            print(String(format: "ASTM E112 G: %.2f (mean area), %.2f (intercept x), %.2f (intercept y)", GrainStatistics.astmGFromArea(meanAreaMicrons: st.meanArea),
                         GrainStatistics.astmGFromIntercept(microns: st.meanInterceptX), GrainStatistics.astmGFromIntercept(microns: st.meanInterceptY)))
            print(String(format: "boundaries: HAGB %.4g µm, LAGB %.4g µm", b.high, b.low))
            print(String(format: "ASTM E2627: %d interior grains ≥ 100 px (excluded: %d edge, %d small), mean ECD %.4g µm, G %.2f", e.grainsCounted, e.edgeGrainsExcluded, e.smallGrainsExcluded, e.meanECDMicrons, e.astmG))
            if let w = e.warning { print("warning: \(w)") }
            if let csv {
                var s = "grain,phase,pixels,area_um2,ecd_um,perimeter_um,aspect_ratio,ellipse_angle_deg,phi1_deg,Phi_deg,phi2_deg,gos_deg,touches_edge,centroid_x_um,centroid_y_um\n"
                for g in gm.grains {
                    let eu = g.meanOrientation.euler
                    s += String(format: "%d,%@,%d,%.6g,%.6g,%.6g,%.4f,%.2f,%.4f,%.4f,%.4f,%.4f,%@,%.4f,%.4f\n", g.id + 1, map.phases[g.phaseIndex].phase.name, g.pixelCount,
                                g.area, g.equivalentDiameter, g.perimeter, g.aspectRatio, g.ellipseAngle, eu.phi1 * 180 / .pi, eu.Phi * 180 / .pi, eu.phi2 * 180 / .pi,
                                g.orientationSpread, g.touchesEdge ? "true" : "false", map.grid.originX + g.centroid.x, map.grid.originY + g.centroid.y)
                }
                try writeText(s, to: csv)
            }
            if let json {
                let h = st.ecdHistogram()
                let obj: [String: Any] = [
                    "file": file, "parameters": ["hagb_deg": hagb, "lagb_deg": lagb, "min_size_px": minSize, "connectivity": connectivity],
                    "grains": st.count, "ecd_um": ["mean": st.meanECD, "median": st.medianECD, "area_weighted_mean": st.areaWeightedMeanECD, "area_weighted_median": st.areaWeightedMedianECD],
                    "mean_intercept_um": ["x": st.meanInterceptX, "y": st.meanInterceptY],
                    "astm_e112_G": ["mean_area": GrainStatistics.astmGFromArea(meanAreaMicrons: st.meanArea), "intercept_x": GrainStatistics.astmGFromIntercept(microns: st.meanInterceptX),
                                    "intercept_y": GrainStatistics.astmGFromIntercept(microns: st.meanInterceptY)],
                    "boundary_length_um": ["hagb": b.high, "lagb": b.low],
                    "astm_e2627": ["grains": e.grainsCounted, "edge_excluded": e.edgeGrainsExcluded, "small_excluded": e.smallGrainsExcluded, "mean_area_um2": e.meanAreaMicrons2,
                                   "mean_ecd_um": e.meanECDMicrons, "mean_pixels_per_grain": e.meanPixelsPerGrain, "G": e.astmG.isFinite ? e.astmG : NSNull(), "warning": e.warning ?? NSNull()],
                    "ecd_histogram": ["edges_um": h.edges, "number_fraction": h.number, "area_fraction": h.area],
                ]
                try writeText(String(decoding: try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self), to: json)
            }
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}

/// The pseudo-symmetry flip check on the raw patterns: a flip of pixel i from `current` to `flipped`
/// is confirmed when the flipped orientation's simulated pattern matches the pixel's own pattern
/// (dynamic background σ px removed; 0 = none) better by NCC.
func patternCheck(stack: PatternStack, master: MasterPattern, detector: Detector, dynamicBackground: Double) -> @Sendable (Int, Rotation, Rotation) -> Bool {
    let proj = PatternProjector(master: master, detector: detector)
    let pre = Preprocessor(rows: detector.rows, columns: detector.columns,
                           steps: dynamicBackground > 0 ? [.dynamicBackground(sigma: dynamicBackground, operation: .subtract)] : [])
    return { i, current, flipped in
        guard let p = try? stack.read(i..<(i + 1)) else { return false }
        let e = pre.apply(p)
        return Preprocessor.ncc(e, proj.pattern(flipped)) > Preprocessor.ncc(e, proj.pattern(current))
    }
}

/// Writes text through a temporary file and a rename.
func writeText(_ s: String, to path: String) throws {
    let tmp = (path as NSString).deletingLastPathComponent.isEmpty ? ".\(path).tmp" : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).tmp")
    try s.write(toFile: tmp, atomically: false, encoding: .utf8)
    if rename(tmp, path) != 0 { unlink(tmp); throw ValidationError("cannot write \(path)") }
}
