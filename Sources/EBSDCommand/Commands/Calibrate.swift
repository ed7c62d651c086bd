import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import DetectorGeometry
import HoughIndexing
import PatternSimulation
import PatternStacks

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Calibrate the pattern centre: one PC for a few patterns, a PC for every map point (--grid), or the moving-screen method.",
        discussion: """
            One PC: a global search (a grid within ±--range of --pc on the Hough fit, then Nelder–Mead on the Radon \
            score) over the patterns chosen; with --master, then pattern matching from there (orientations refined at \
            every trial PC). --restarts N repeats it from N random starts within ±--range and prints the spread as the \
            PC's uncertainty. --grid ROWSxCOLS calibrates the pattern at each grid point and fits the plane of a flat \
            tilted sample (PC linear in the beam position); --pc-map writes it for any command's --pc-map. \
            --moving-screen FAR1[,FAR2] --shifts D1[,D2]: the stack's first pattern and the same point recorded with the \
            detector moved back by D (pattern heights). Examples: \
            ebsd calibrate patterns.tif --phase Ni --pc 0.42,0.21,0.50 --static-background bg.tif --master Ni.tif --restarts 10; \
            ebsd calibrate scan.h5 --phase Na --grid 5x5 --master MasterPatterns/Na-20kV-kinematical.tif --pc-map pc.json
            """
    )
    @Argument(help: "Pattern stack.") var stack: String
    @Option(help: "Phase (built-in name or .json); repeat for several.") var phase: [String] = ["Na"]
    @OptionGroup var geometry: GeometryOptions
    @OptionGroup var map: ScanGridOption
    @Option(help: "Pattern indices to use, comma-separated (default: 9 spread over the stack).") var patterns: String?
    @Option(help: "Static background subtracted first: auto (the file's where it has one), none, file, mean or an image.")
    var staticBackground = HoughIndexer.defaultStaticBackground.description
    @Option(help: "Master pattern: refine the Hough PC by pattern matching.") var master: String?
    @Option(help: "Random restarts within ±--range; their spread is the PC's uncertainty.") var restarts: Int?
    @Option(help: "Half-width of the global search around --pc (Bruker units).") var range = PCSearch().range
    @Option(help: "Calibrate a ROWSxCOLS grid of points over the map and fit a PC for every point.") var grid: String?
    @Option(help: "Write the fitted PC map (JSON) here (with --grid).") var pcMapOutput: String?
    @Option(help: "With --grid: each grid point is calibrated on the N × N map points around it (their noise averages).")
    var neighbourhood = HoughThenMatchingPCCalibration.defaultNeighbourhood
    @Option(help: "Moving screen: the same point recorded farther away (image files or stacks, comma-separated).") var movingScreen: String?
    @Option(help: "Moving screen: how much farther each was recorded, in pattern heights (comma-separated).") var shifts: String?

    func validate() throws {
        for p in phase { do { _ = try Phase.resolve(p) } catch { throw ValidationError("\(error)") } }
        if let p = patterns {
            guard p.split(separator: ",").allSatisfy({ Int($0) != nil }) else {
                throw ValidationError("--patterns must be indices like 0,4,8")
            }
        }
        if let r = restarts { guard r >= 1 else { throw ValidationError("--restarts must be ≥ 1") } }
        guard range > 0, range < 0.5 else { throw ValidationError("--range must be in (0, 0.5)") }
        if let g = grid { _ = try GeometryOptions.shape(g, name: "--grid") }
        guard neighbourhood >= 1 else { throw ValidationError("--neighbourhood must be ≥ 1") }
        if pcMapOutput != nil && grid == nil { throw ValidationError("--pc-map-output needs --grid") }
        if let o = pcMapOutput { try requireOutputFolder(o) }
        if (movingScreen == nil) != (shifts == nil) { throw ValidationError("--moving-screen and --shifts go together") }
    }

    func run() throws {
        do {
            let (det, s) = try geometry.detectorAndStack(
                stack, mapShape: try map.shape(), stepMicrons: map.step, naming: try map.names.naming())
            let bg = try StaticBackground(staticBackground).image(for: s)
            let mp = try master.map { try MasterPattern.read($0) }
            var cal = HoughThenMatchingPCCalibration(detector: det, phases: try phase.map { try Phase.resolve($0) }, master: mp)
            cal.hough.search.range = range
            let start = det.pc()
            if let movingScreen, let shifts {
                try runMovingScreen(s, far: movingScreen, shifts: shifts, background: bg, start: start)
            } else if let grid {
                let (gr, gc) = try GeometryOptions.shape(grid, name: "--grid")
                let progress = ProgressReporter(total: gr * gc, label: "calibrate grid")
                let m = try cal.calibrateGrid(s, rows: gr, columns: gc, start: start, background: bg, neighbourhood: neighbourhood) {
                    done, _ in progress.update(done)
                }
                print("PC map (Bruker) = c0 + c_column · column + c_row · row over the \(m.mapRows) × \(m.mapColumns) map:")
                for (name, c) in [("PCx", m.x), ("PCy", m.y), ("PCz", m.z)] {
                    print(String(format: "  %@ %.5f %+.3e %+.3e", name, c[0], c[1], c[2]))
                }
                print(
                    String(
                        format: "  rms residual of the %d grid points: %.4f %.4f %.4f", m.points.count, m.rmsResidual.x,
                        m.rmsResidual.y, m.rmsResidual.z))
                if let out = pcMapOutput {
                    try m.write(out)
                    say("wrote \(out)")
                }
            } else {
                let idx =
                    patterns.map { $0.split(separator: ",").compactMap { Int($0) } }
                    ?? (0..<9).map { $0 * max(1, s.count / 9) }.filter { $0 < s.count }
                for i in idx where i < 0 || i >= s.count {
                    throw ValidationError("pattern index \(i) is outside the stack (0…\(s.count - 1))")
                }
                let pats = try idx.map { i -> [Float] in
                    var p = try s.read(i..<(i + 1))
                    if let bg { for k in p.indices { p[k] -= bg[k] } }
                    return p
                }
                let r = cal.calibrate(pats, start: start, restarts: restarts)
                print(
                    String(
                        format: "start    PC (Bruker) %.5f %.5f %.5f  Hough misfit %.3f°", start.x, start.y, start.z,
                        cal.hough.objective(start, pats)))
                print(
                    String(
                        format: "Hough    PC (Bruker) %.5f %.5f %.5f  misfit %.3f°, Radon score %.2f", r.hough.pc.x, r.hough.pc.y,
                        r.hough.pc.z, r.hough.misfit, r.hough.score))
                if let m = r.matching {
                    print(String(format: "matching PC (Bruker) %.5f %.5f %.5f  mean NCC %.4f", m.pc.x, m.pc.y, m.pc.z, m.score))
                }
                if let sp = r.spread {
                    print(
                        String(format: "uncertainty (standard deviation over %d restarts) %.5f %.5f %.5f", restarts ?? 1, sp.x, sp.y, sp.z))
                }
                printConventions(det, r.pc)
            }
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }

    func runMovingScreen(_ s: PatternStack, far: String, shifts: String, background: [Float]?, start: PatternCenter) throws {
        let d = shifts.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        let files = far.split(separator: ",").map(String.init)
        guard d.count == files.count else { throw ValidationError("--shifts needs one value per --moving-screen pattern") }
        var pats = [try s.read(0..<1)]
        for f in files {
            let p = try PatternStack.open(f, mapShape: (1, 1))
            guard p.patternRows == s.patternRows, p.patternColumns == s.patternColumns else {
                throw ValidationError("\(f) is \(p.patternRows)×\(p.patternColumns) px, \(stack) \(s.patternRows)×\(s.patternColumns)")
            }
            pats.append(try p.read(0..<1))
        }
        if let background { pats = pats.map { zip($0, background).map { $0 - $1 } } }
        var cal = MovingScreenCalibration(rows: s.patternRows, columns: s.patternColumns)
        cal.search.range = range
        let r = try cal.calibrate(pats, shifts: d, start: start)
        print(String(format: "moving-screen PC (Bruker) %.5f %.5f %.5f  mean NCC %.4f", r.pc.x, r.pc.y, r.pc.z, -r.value))
        var det = try geometry.detector()
        det.rows = s.patternRows
        det.columns = s.patternColumns
        printConventions(det, r.pc)
    }

    func printConventions(_ det: Detector, _ pc: PatternCenter) {
        var d = det
        d.pcs = [pc]
        for c in [PCConvention.tsl, .oxford, .emsoft] {
            let p = d.pc(in: c)
            print(
                String(format: "         %@ %.5f %.5f %.5f", c.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0), p.x, p.y, p.z))
        }
    }
}
