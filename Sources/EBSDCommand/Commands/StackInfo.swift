import ArgumentParser
import Foundation
import EBSDPipeline
import PatternStacks
import Preprocessing
import EBSDImageIO

struct StackInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Summarise a pattern stack (TIFF, image folder, NORDIF, EDAX .up1/.up2, Oxford .ebsp, .h5oina, EDAX/Bruker .h5, h5ebsd).",
        discussion: "Example: ebsd stack info SampleMaps/na-foil-topview/patterns.tif"
    )
    @Argument(help: "Stack file or folder.") var stack: String
    @OptionGroup var map: ScanGridOption
    @Option(help: "Scan of an HDF5 file that holds several (default: the first).") var scan: String?

    /// Stray file names listed before "…".
    static let straysShown = 10

    func run() throws {
        do {
            let s = try PatternStack.open(
                stack, mapShape: try map.shape(), scan: scan, stepMicrons: map.step, naming: try map.names.naming())
            let first = try s.read(0..<1)
            let mean = first.reduce(0, +) / Float(first.count)
            print("stack:     \(stack)")
            print("format:    \(String(describing: type(of: s.source)).replacingOccurrences(of: "Source", with: ""))")
            print("patterns:  \(s.count), \(s.patternRows) × \(s.patternColumns) px")
            print("map:       \(s.mapRows) rows × \(s.mapColumns) columns")
            let stepNote = s.stepKnown ? "" : " (not stated: give --step)"
            print(String(format: "step:      %.4g µm", s.stepMicrons) + stepNote)
            print(String(format: "pattern 0: min %.4g  mean %.4g  max %.4g", first.min() ?? 0, mean, first.max() ?? 0))
            if let m = s.metadata, let layout = m.layoutDescription {
                print("layout:    \(layout)")
                print("holes:     \(m.missingPoints.count) map points without an image (read as zeros, left not indexed)")
                let shown = m.strayFiles.prefix(Self.straysShown).joined(separator: ", ")
                let more = m.strayFiles.count > Self.straysShown ? ", …" : ""
                print("strays:    \(m.strayFiles.count) files on no map point, ignored" + (m.strayFiles.isEmpty ? "" : ": \(shown)\(more)"))
            } else if let m = s.metadata {
                print("file:      \(m.vendor), scan '\(m.scan)', patterns from '\(m.patternDataset)'")
                if let pc = m.patternCenters.first {
                    let each = m.patternCenters.count > 1 ? " (one per point; first shown)" : ""
                    print(String(format: "PC:        %.4f %.4f %.4f (%@ convention as stored)%@", pc.x, pc.y, pc.z, m.pcConvention, each))
                }
                if let det = try? Detector(stack: s) {
                    let b = det.pc()
                    print(String(format: "PC Bruker: %.4f %.4f %.4f", b.x, b.y, b.z))
                }
                func show(_ v: Double?) -> String { v.map { String(format: "%.4g", $0) } ?? "not stated" }
                print(
                    "tilts:     sample \(show(m.sampleTiltDegrees))°, detector \(show(m.detectorTiltDegrees))°, binning "
                        + "\(m.binning.map(String.init) ?? "not stated")"
                )
                print(
                    "file step: \(show(m.stepX)) × \(show(m.stepY)) µm; voltage \(show(m.voltageKV)) kV; static background "
                        + "\(m.staticBackground == nil ? "no" : "yes")"
                )
                if !m.phaseNames.isEmpty { print("phases:    \(m.phaseNames.joined(separator: ", "))") }
            }
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
