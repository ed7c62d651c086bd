import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import CrystalMaps
import Grains
import Figures

struct IPFMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipf",
        abstract: "Write an inverse-pole-figure map figure (PNG, SVG or PDF), or the map raster (16-bit TIFF), along x, y or z.",
        discussion: """
            Colours follow the TSL key of orix/MTEX (Nolze & Hielscher 2016) for each phase's Laue group; \
            with --boundaries, HAGB (> --hagb, default 10°) are black and LAGB (--lagb … --hagb) white, as in the \
            reference study. The figure (drawn with cairo; .png at --dpi, .svg, .pdf; --width-mm wide, by default the map's \
            pixels at --scale and 300 dpi, 85–180 mm) carries a scale bar in µm, the colour-key triangle and the boundary \
            legend; .tif writes the map's pixels only (each --scale × --scale), 16-bit. IPF-Z suits top views, IPF-Y cross \
            sections. Example: ebsd ipf SampleMaps/na-deposit.ang --direction y --boundaries -o ipf-y.pdf
            """
    )
    @Argument(help: "Map file.") var file: String
    @Option(help: "Sample direction: x, y or z.") var direction: SampleDirection = .z
    @Option(help: "Enlarge each map pixel to n × n image pixels.") var scale = MapRenderer.defaultScale
    @Flag(help: "Draw grain boundaries (HAGB black, LAGB white).") var boundaries = false
    @Option(help: "High-angle boundary threshold in degrees.") var hagb = BoundaryThresholds.defaultHighDegrees
    @Option(help: "Low-angle boundary threshold in degrees.") var lagb = BoundaryThresholds.defaultLowDegrees
    @Option(help: "Shade by a quality property (e.g. iq, bc, ci).") var shade: String?
    @Option(help: "Colour of not-indexed pixels as R,G,B (0–255).") var unindexed = IPFMap.colourText(MapRenderer.defaultUnindexedColor)
    @Flag(help: "No title, scale bar or key: the map alone (figure outputs).") var noFooter = false
    @Option(help: "Figure resolution for .png (dots per inch).") var dpi = Figure.defaultDPI
    @Option(help: "Figure width in mm (journal columns: 85 or 180).") var widthMm: Double?
    @Option(name: .shortAndLong, help: "Output .png, .svg or .pdf (figure) or .tif (16-bit map raster).") var output: String

    func validate() throws {
        guard (1...64).contains(scale) else { throw ValidationError("--scale must be 1…64") }
        do { try BoundaryThresholds(lowDegrees: lagb, highDegrees: hagb).validate() } catch { throw ValidationError("\(error)") }
        let ext = (output as NSString).pathExtension.lowercased()
        guard ["png", "svg", "pdf", "tif", "tiff"].contains(ext) else {
            throw ValidationError("output must end in .png, .svg, .pdf or .tif")
        }
        guard dpi > 0, dpi.isFinite else { throw ValidationError("--dpi must be positive (got \(dpi))") }
        if let w = widthMm, !(w > 0) { throw ValidationError("--width-mm must be positive (got \(w))") }
        guard parseColor(unindexed) != nil else { throw ValidationError("--unindexed must be R,G,B with values 0–255") }
        try requireOutputFolder(output)
    }

    /// "R,G,B" of a colour (what --unindexed takes).
    static func colourText(_ c: (UInt8, UInt8, UInt8)) -> String { "\(c.0),\(c.1),\(c.2)" }

    func parseColor(_ s: String) -> (UInt8, UInt8, UInt8)? {
        let v = s.split(separator: ",").compactMap { UInt8($0.trimmingCharacters(in: .whitespaces)) }
        return v.count == 3 ? (v[0], v[1], v[2]) : nil
    }

    func run() throws {
        do {
            let map = try readMap(file)
            guard map.indexedCount > 0 else { throw ValidationError("\(file): the map has no indexed pixel") }
            let d = direction.vector
            var r = MapRenderer(scale: scale)
            if boundaries { r.boundaries = BoundaryMap(map, thresholds: BoundaryThresholds(lowDegrees: lagb, highDegrees: hagb)) }
            r.unindexedColor = parseColor(unindexed)!
            if let sh = shade {
                guard let v = map.properties[sh.lowercased()] else {
                    throw ValidationError("\(file) has no property '\(sh)' (has: \(map.properties.keys.sorted().joined(separator: ", ")))")
                }
                r.shading = v
            }
            if Figure.Format(path: output) != nil {
                var figure = MapFigure(map: map, layer: .ipf(d))
                figure.boundaries = r.boundaries
                figure.shading = r.shading
                figure.unindexedColor = r.unindexedColor
                figure.footer = !noFooter
                let width = widthMm ?? MapFigure.width(columns: map.grid.columns, scale: scale)
                try figure.write(to: output, widthMM: width, dpi: dpi)
                FileHandle.standardError.write(
                    Data(String(format: "wrote %@ (%@, %.0f mm wide)\n", output, direction.ipfLabel, width).utf8))
            } else {
                let img = r.render(map, .ipf(d))
                try img.writeTIFF16(output)
                FileHandle.standardError.write(
                    Data("wrote \(output) (\(direction.ipfLabel), \(img.width)×\(img.height) px)\n".utf8))
            }
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
