import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import DetectorGeometry
import HoughIndexing
import PatternStacks

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the pattern centre that minimises the Hough fit over a few patterns (Nelder–Mead from --pc).",
        discussion: "Example: ebsd calibrate patterns.tif --phase Ni --pc 0.45,0.25,0.5 --patterns 0,4,8 --static-background bg.tif"
    )
    @Argument(help: "Pattern stack.") var stack: String
    @Option(help: "Phase (built-in name or .json); repeat for several.") var phase: [String] = ["Na"]
    @OptionGroup var geometry: GeometryOptions
    @OptionGroup var map: MapShapeOption
    @Option(help: "Pattern indices to use, comma-separated (default: 9 spread over the stack).") var patterns: String?
    @Option(help: "Static background image to subtract first.") var staticBackground: String?

    func validate() throws {
        for p in phase { do { _ = try Phase.resolve(p) } catch { throw ValidationError("\(error)") } }
        if let p = patterns {
            guard p.split(separator: ",").allSatisfy({ Int($0) != nil }) else {
                throw ValidationError("--patterns must be indices like 0,4,8")
            }
        }
    }

    func run() throws {
        do {
            let (det, s) = try geometry.detectorAndStack(stack, mapShape: try map.shape())
            let idx =
                patterns.map { $0.split(separator: ",").compactMap { Int($0) } }
                ?? (0..<9).map { $0 * max(1, s.count / 9) }.filter { $0 < s.count }
            for i in idx where i < 0 || i >= s.count {
                throw ValidationError("pattern index \(i) is outside the stack (0…\(s.count - 1))")
            }
            let bg = try staticBackground.map { try PatternStack.open($0, mapShape: (1, 1)).read(0..<1) }
            let pats = try idx.map { i -> [Float] in
                var p = try s.read(i..<(i + 1))
                if let bg { for k in p.indices { p[k] -= bg[k] } }
                return p
            }
            let cal = PCCalibration(detector: det, phases: try phase.map { try Phase.resolve($0) })
            let start = det.pc()
            let result = cal.calibrate(pats, start: start)
            let (pc, misfit) = (result.pc, result.misfit)
            var d = det
            d.pcs = [pc]
            let startMisfit = cal.objective(start, pats)
            print(String(format: "start   PC (Bruker) %.5f %.5f %.5f  misfit %.3f°", start.x, start.y, start.z, startMisfit))
            print(String(format: "refined PC (Bruker) %.5f %.5f %.5f  misfit %.3f°", pc.x, pc.y, pc.z, misfit))
            for c in [PCConvention.tsl, .oxford, .emsoft] {
                let p = d.pc(in: c)
                print(
                    String(
                        format: "        %@ %.5f %.5f %.5f", c.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0), p.x, p.y, p.z))
            }
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
