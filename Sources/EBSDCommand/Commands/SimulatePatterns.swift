import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import CrystalMaps
import DetectorGeometry
import PatternSimulation
import DynamicalSimulation
import EBSDImageIO

struct SimulatePatterns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "Project a master pattern onto the detector for every pixel of a map (scan order) → multi-page TIFF.",
        discussion:
            "Example: ebsd simulate patterns --master MasterPatterns/Na-20kV-kinematical.tif --orientations map.ang --pc "
            + "0.5,0.5,0.6 -o stack.tif"
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
            let map = try readMap(orientations)
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
            try TIFFWriter.write(
                output, width: det.columns, height: det.rows, pages: pages, type: t,
                description:
                    "{\"shape\": [\(map.count), \(det.rows), \(det.columns)], \"map_shape\": [\(map.grid.rows), \(map.grid.columns)]}")
            FileHandle.standardError.write(
                Data(
                    String(
                        format: "wrote %@ (%d patterns, %.0f patterns/s)\n", output, map.count,
                        Double(map.count) / Date().timeIntervalSince(t0)
                    ).utf8))
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
