import ArgumentParser
import Foundation
import EBSDPipeline
import PatternStacks
import Preprocessing
import EBSDImageIO

struct StackInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Summarise a pattern stack (TIFF, image folder, NORDIF, EDAX .up1/.up2, Oxford .ebsp).",
        discussion: "Example: ebsd stack info SampleMaps/na-foil-topview/patterns.tif"
    )
    @Argument(help: "Stack file or folder.") var stack: String
    @OptionGroup var map: MapShapeOption

    func run() throws {
        do {
            let s = try PatternStack.open(stack, mapShape: try map.shape())
            let first = try s.read(0..<1)
            let mean = first.reduce(0, +) / Float(first.count)
            print("stack:     \(stack)")
            print("format:    \(String(describing: type(of: s.source)).replacingOccurrences(of: "Source", with: ""))")
            print("patterns:  \(s.count), \(s.patternRows) × \(s.patternColumns) px")
            print("map:       \(s.mapRows) rows × \(s.mapColumns) columns")
            print(String(format: "pattern 0: min %.4g  mean %.4g  max %.4g", first.min() ?? 0, mean, first.max() ?? 0))
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
