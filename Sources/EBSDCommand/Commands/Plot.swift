import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import CrystalMaps
import Grains
import MapPictures

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pictures of a map: phase, grain, KAM and quality maps (PNG), grain-size histogram and inverse pole figure.",
        discussion: """
            Kinds: phase, grains, kam (maps, PNG); figures of merit iq, bc, bs, ci, fit, sharpness, bse (mean pattern \
            intensity), score (maps, PNG; the README explains each); histogram (number- and area-weighted ECD, .svg or .png); \
            ipf (scatter .svg, density .png) along --direction. Examples: ebsd plot histogram map.ang -o sizes.svg; \
            ebsd plot kam map.ang --boundaries -o kam.png
            """
    )
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case phase, grains, kam, histogram, ipf, iq, bc, bs, ci, fit, sharpness, bse, score
        /// The map property a figure-of-merit kind shows.
        var property: String? {
            switch self {
            case .iq: MapProperty.imageQuality
            case .bc: MapProperty.bandContrast
            case .bs: MapProperty.bandSlope
            case .ci: MapProperty.confidenceIndex
            case .fit: MapProperty.fit
            case .sharpness: MapProperty.patternSharpness
            case .bse: MapProperty.meanIntensity
            case .score: MapProperty.score
            default: nil
            }
        }
    }
    @Argument(help: "phase, grains, kam, histogram, ipf, or a figure of merit: iq, bc, bs, ci, fit, sharpness, bse, score.")
    var kind: Kind
    @Argument(help: "Map file.") var file: String
    @Option(help: "Grain / HAGB threshold in degrees.") var hagb = 10.0
    @Option(help: "LAGB threshold in degrees.") var lagb = 2.0
    @Option(help: "KAM: neighbours above this angle (degrees) are ignored.") var kamMax = 5.0
    @Option(help: "Ignore grains smaller than this (histogram).") var minSize = 0
    @Option(help: "Sample direction for ipf: x, y or z.") var direction = "z"
    @Option(help: "Pixel enlargement for maps.") var scale = 4
    @Flag(help: "Draw boundaries on maps.") var boundaries = false
    @Option(name: .shortAndLong, help: "Output .png or .svg.") var output: String

    func validate() throws {
        guard hagb > 0, lagb > 0, lagb < hagb, kamMax > 0 else { throw ValidationError("thresholds must be > 0 with --lagb < --hagb") }
        guard ["x", "y", "z"].contains(direction) else { throw ValidationError("--direction must be x, y or z") }
        let ext = (output as NSString).pathExtension.lowercased()
        guard ext == "png" || (ext == "svg" && (kind == .histogram || kind == .ipf)) else {
            throw ValidationError("output must be .png (or .svg for histogram and ipf)")
        }
        try requireOutputFolder(output)
    }

    func run() throws {
        do {
            let map = try readMap(file)
            guard map.indexedCount > 0 || kind.property != nil else { throw ValidationError("\(file): the map has no indexed pixel") }
            let svg = (output as NSString).pathExtension.lowercased() == "svg"
            var r = MapRenderer(scale: scale)
            r.legend = true
            if boundaries { r.boundaries = BoundaryMap(map, lowDegrees: lagb, highDegrees: hagb) }
            switch kind {
            case .iq, .bc, .bs, .ci, .fit, .sharpness, .bse, .score:
                let property = kind.property!
                guard let layer = MapLayer.quality(property, of: map) else {
                    throw ValidationError("\(file): the map holds no '\(property)' column (it holds: \(map.properties.keys.sorted()))")
                }
                try r.render(map, layer).writePNG(output)
            case .phase: try r.render(map, .phase).writePNG(output)
            case .grains: try r.render(map, .grains(GrainSegmentation(thresholdDegrees: hagb).segment(map))).writePNG(output)
            case .kam:
                try r.render(
                    map, .scalar(map.kernelAverageMisorientation(maximumDegrees: kamMax), range: 0...Float(kamMax), label: "KAM °")
                ).writePNG(output)
            case .histogram:
                let h = GrainStatistics(GrainSegmentation(thresholdDegrees: hagb, minimumPixels: minSize).segment(map)).ecdHistogram()
                if svg {
                    try writeAtomically(
                        Plots.histogramSVG(
                            edges: h.edges, number: h.number, area: h.area, title: "Grain size (\((file as NSString).lastPathComponent))"),
                        to: output)
                } else {
                    try Plots.histogramPNG(edges: h.edges, number: h.number, area: h.area).writePNG(output)
                }
            case .ipf:
                let d: Vector3 = direction == "x" ? [1, 0, 0] : direction == "y" ? [0, 1, 0] : [0, 0, 1]
                if svg {
                    try writeAtomically(Plots.ipfScatterSVG(map, direction: d, title: "IPF-\(direction.uppercased())"), to: output)
                } else {
                    try Plots.ipfDensityPNG(map, direction: d).writePNG(output)
                }
            }
            FileHandle.standardError.write(Data("wrote \(output)\n".utf8))
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
