import ArgumentParser
import Foundation
import Crystallography
import CrystalMaps
import EBSDViewer
import PatternSimulation

/// `ebsd view`: a map (or a pipeline's output folder) in the browser, with its patterns (``EBSDViewer/MapViewer``,
/// ``EBSDViewer/ViewerServer``).
struct View: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look at a map and its patterns in the browser: click a point to see its pattern, the simulation and the bands.",
        discussion: """
            Serves on 127.0.0.1 only, on a random port unless --port is given; the printed URL carries a token that \
            every request needs. Examples:
              ebsd view out/demo                                  (a pipeline's output folder: its recipe's patterns)
              ebsd view map.ang --patterns patterns.tif --master MasterPatterns/Na-20kV-kinematical.tif --pc 0.5,0.5,0.6
            """)
    @Argument(help: "A crystal map (.ang/.ctf/.h5/…) or an `ebsd pipeline` output folder.") var target: String
    @Option(help: "The map's pattern stack (same scan order); for a folder, replaces its recipe's.") var patterns: String?
    @Option(help: "Master pattern for the simulated patterns (TIFF or EMsoft .h5).") var master: String?
    @OptionGroup var geometry: GeometryOptions
    @Option(help: "Port on 127.0.0.1 (default: one the system picks).") var port: UInt16 = 0
    @Option(help: "Serve this many seconds, then stop (default: until interrupted).") var seconds: Double?

    func run() throws {
        do {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: target, isDirectory: &isFolder)
            guard exists else { throw ValidationError("\(target) does not exist") }
            let viewer: MapViewer
            if isFolder.boolValue && patterns == nil {
                say("\(target): reading final.ang and the recipe's patterns; segmenting grains …")
                viewer = try MapViewer.open(outputFolder: target)
            } else {
                let mapPath = isFolder.boolValue ? (target as NSString).appendingPathComponent("final.ang") : target
                let map = try readMap(mapPath, scan: geometry.scan)
                say("\(mapPath): \(map.grid.rows) × \(map.grid.columns) points; segmenting grains …")
                viewer = MapViewer(map: map, title: (target as NSString).lastPathComponent, patterns: openPatterns(map))
            }
            if let why = viewer.patternsUnavailable { say("patterns unavailable: \(why)") }
            let server = try ViewerServer(viewer: viewer, port: port)
            FileHandle.standardOutput.write(Data((server.url + "\n").utf8))
            say("serving \(viewer.map.grid.rows) × \(viewer.map.grid.columns) points on 127.0.0.1:\(server.port); Ctrl-C stops")
            if let seconds { Thread.sleep(forTimeInterval: seconds) } else {
                while true { Thread.sleep(forTimeInterval: 3600) }
            }
            server.stop()
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }

    /// The stack given with --patterns and its detector, checked against `map`, or why it cannot be shown.
    func openPatterns(_ map: CrystalMap) -> Result<ViewerPatterns, ViewerError>? {
        guard let patterns else { return nil }
        do {
            let (det, stack) = try geometry.detectorAndStack(patterns, mapShape: (map.grid.rows, map.grid.columns))
            var mp: (MasterPattern, Phase)?
            if let master {
                let pattern = try MasterPattern.read(master)
                guard let name = pattern.description?.phase, let phase = try? Phase.resolve(name) else {
                    throw ViewerError("\(master) does not name its phase")
                }
                mp = (pattern, phase)
            }
            return .success(try ViewerPatterns(map: map, stack: stack, detector: det, master: mp))
        } catch let e as ViewerError {
            return .failure(e)
        } catch {
            return .failure(ViewerError("\(error)"))
        }
    }
}
