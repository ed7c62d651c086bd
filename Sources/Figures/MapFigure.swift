import Foundation
import Crystallography
import CrystalMaps
import Grains

/// A map figure drawn with cairo: the map's pixels embedded as an image at its native grid (nearest neighbour, never
/// smoothed), boundaries as vector lines on the pixel edges — HAGB black, LAGB white, selected coincidence-site-lattice
/// boundaries each in its own colour — a scale bar in real units, and a key below the map: the IPF colour triangle with
/// its corner directions (IPF maps), a colour bar with units (scalar maps), a legend with the phases' area fractions
/// (phase maps), and a legend of the boundary types drawn.
public struct MapFigure {
    public var map: CrystalMap
    public var layer: MapLayer
    public var boundaries: BoundaryMap?
    /// CSL boundaries to draw, with the relations (labels, e.g. "Σ3") to show.
    public var special: (map: SpecialBoundaryMap, labels: Set<String>)?
    /// Darkens indexed pixels by this quality (band contrast, IQ).
    public var shading: [Float]?
    public var title: String?
    /// The colour of not-indexed pixels.
    public var unindexedColor = MapRenderer.defaultUnindexedColor
    /// Scale bar, key and legend below the map (false: the map alone, with its title if any).
    public var footer = true
    /// Colours of the CSL relations in the order they are listed (Σ3 red, Σ9 blue, Σ27 green, …).
    public static let specialColors: [Figure.Color] = [
        Figure.Color(0.85, 0.1, 0.1), Figure.Color(0.1, 0.35, 0.9), Figure.Color(0.1, 0.65, 0.2), Figure.Color(0.95, 0.6, 0.05),
        Figure.Color(0.6, 0.2, 0.75), Figure.Color(0.0, 0.7, 0.75), Figure.Color(0.9, 0.3, 0.6),
    ]

    public init(map: CrystalMap, layer: MapLayer, boundaries: BoundaryMap? = nil) {
        self.map = map
        self.layer = layer
        self.boundaries = boundaries
    }

    /// The width (mm) that gives each of `columns` map pixels `scale` dots at the default resolution, within the journal
    /// column widths 85–180 mm.
    public static func width(columns: Int, scale: Int) -> Double {
        min(180, max(85, Double(columns * scale) / Figure.defaultDPI * Figure.millimetresPerInch))
    }

    /// Writes the figure to `path` (.png, .svg or .pdf), `widthMM` wide; the height follows the map's aspect ratio.
    public func write(to path: String, widthMM: Double = 85, dpi: Double = Figure.defaultDPI) throws(FigureError) {
        let g = map.grid
        guard g.rows > 0, g.columns > 0, map.count > 0 else { throw FigureError("\(path): the map is empty") }
        let margin = 1.0
        let mapWidth = widthMM - 2 * margin
        let mapHeight = mapWidth * Double(g.rows) * g.stepY / (Double(g.columns) * g.stepX)
        let titleHeight = title == nil ? 0 : Figure.mm(points: Axes.titleSizePt) * 1.8
        let keyHeight = footer ? min(28, max(16, widthMM * 0.22)) : 0
        let f = try Figure(path: path, widthMM: widthMM, heightMM: titleHeight + mapHeight + keyHeight + 2 * margin, dpi: dpi)
        let top = margin + titleHeight
        if let title {
            let t = f.fitted(title, sizePt: Axes.titleSizePt, maximumWidth: widthMM - 2)
            f.text(t.text, x: widthMM / 2, y: margin, sizePt: t.sizePt, horizontal: .centre, vertical: .top)
        }
        let colors = MapRenderer.colors(map, layer, unindexed: unindexedColor, shading: shading)
        var rgb = [UInt8](repeating: 0, count: 3 * map.count)
        for (i, c) in colors.enumerated() {
            rgb[3 * i] = c.0
            rgb[3 * i + 1] = c.1
            rgb[3 * i + 2] = c.2
        }
        f.image(rgb: rgb, width: g.columns, height: g.rows, x: margin, y: top, drawWidth: mapWidth, drawHeight: mapHeight)
        let pixel = (mapWidth / Double(g.columns), mapHeight / Double(g.rows))
        var legend: [(String, Figure.Color, Double)] = []
        f.clipRect(x: margin, y: top, width: mapWidth, height: mapHeight)
        if let b = boundaries {
            let width = max(0.35, min(1.2, 0.5 * pixel.0 / Figure.mm(points: 1)))
            drawEdges(f, left: margin, top: top, pixel: pixel, lineWidthPt: width * 0.7, color: .white) { i in
                b.right[i] == .low
            } down: { i in
                b.down[i] == .low
            }
            drawEdges(f, left: margin, top: top, pixel: pixel, lineWidthPt: width, color: .black) { i in
                b.right[i] == .high
            } down: { i in
                b.down[i] == .high
            }
            legend.append((String(format: "HAGB > %g°", b.thresholds.highDegrees), .black, width))
            let t = b.thresholds
            legend.append((String(format: "LAGB %g–%g°", t.lowDegrees, t.highDegrees), Figure.Color(0.75, 0.75, 0.75), width * 0.7))
        }
        if let s = special {
            let width = max(0.5, min(1.5, 0.7 * pixel.0 / Figure.mm(points: 1)))
            var k = 0
            for (index, rel) in s.map.csl.relations.enumerated() where s.labels.contains(rel.label) {
                let color = Self.specialColors[k % Self.specialColors.count]
                k += 1
                let idx = Int16(index)
                drawEdges(f, left: margin, top: top, pixel: pixel, lineWidthPt: width, color: color) { i in
                    s.map.right[i] == idx
                } down: { i in
                    s.map.down[i] == idx
                }
                legend.append((rel.label, color, width))
            }
        }
        f.resetClip()
        guard footer else {
            try f.write()
            return
        }
        // footer: scale bar, then the key and the legend
        let footerTop = top + mapHeight + 2
        let barLength = MapRenderer.niceLength(Double(g.columns) * g.stepX / 5)
        let barMM = barLength / g.stepX * pixel.0
        f.fill(x: margin, y: footerTop + 4, width: barMM, height: 1, color: .black)
        f.text(String(format: "%g µm", barLength), x: margin, y: footerTop + 3, sizePt: Axes.labelSizePt, vertical: .bottom)
        var x = margin + max(barMM, f.measure(String(format: "%g µm", barLength), sizePt: Axes.labelSizePt).width) + 4
        let keySize = keyHeight - 4
        switch layer {
        case .ipf(let d):
            if let phase = map.phases.first?.phase {
                let label = "IPF-" + (d.x == 1 ? "X" : d.y == 1 ? "Y" : "Z")
                f.text(label, x: x, y: footerTop + 1, sizePt: Axes.titleSizePt, vertical: .top)
                x += f.measure(label, sizePt: Axes.titleSizePt).width + 2
                x += IPFKey.draw(f, group: phase.laueGroup, x: x, top: footerTop, size: keySize) + 3
            }
        case .scalar(_, let range, let label):
            let bar = ColorBar(range: Double(range.lowerBound)...Double(range.upperBound), title: label)
            bar.draw(f, x: x, top: footerTop + 1, height: keySize - 2)
            x += bar.width + 4
        case .phase:
            var y = footerTop + 2
            for (k, ph) in map.phases.enumerated() {
                let fraction = Double(map.phaseIndex.filter { $0 == Int32(k) }.count) / Double(map.count)
                f.fill(x: x, y: y, width: 3, height: 2.2, color: Figure.Color(bytes: MapRenderer.phaseColor(k)))
                f.text(
                    String(format: "%@ %.1f %%", ph.phase.name, 100 * fraction), x: x + 4, y: y + 1.1, sizePt: Axes.labelSizePt,
                    vertical: .middle)
                y += 3.2
            }
            x += 4 + (map.phases.map { f.measure($0.phase.name + " 100.0 %", sizePt: Axes.labelSizePt).width }.max() ?? 0) + 4
        case .grains: break
        }
        var y = footerTop + 2
        for (label, color, width) in legend {
            f.fill(x: x, y: y - 0.5, width: 5, height: 2.2, color: Figure.Color(0.55, 0.55, 0.55))
            f.polyline([(x + 0.5, y + 0.6), (x + 4.5, y + 0.6)], color: color, lineWidthPt: width)
            f.text(label, x: x + 6, y: y + 0.6, sizePt: Axes.labelSizePt, vertical: .middle)
            y += 3.2
        }
        try f.write()
    }

    /// Vector boundary lines on the pixel edges where `right(i)` (edge between pixel i and its right neighbour) or
    /// `down(i)` holds: the runs of ``Grains/PixelEdges/runs(_:right:down:)``, each one line.
    func drawEdges(
        _ f: Figure, left: Double, top: Double, pixel: (Double, Double), lineWidthPt: Double, color: Figure.Color,
        right: (Int) -> Bool, down: (Int) -> Bool
    ) {
        let segments = PixelEdges.runs(map.grid, right: right, down: down).map { run in
            if run.vertical {
                let x = left + Double(run.line) * pixel.0
                return ((x, top + Double(run.span.lowerBound) * pixel.1), (x, top + Double(run.span.upperBound) * pixel.1))
            }
            let y = top + Double(run.line) * pixel.1
            return ((left + Double(run.span.lowerBound) * pixel.0, y), (left + Double(run.span.upperBound) * pixel.0, y))
        }
        f.segments(segments, color: color, lineWidthPt: lineWidthPt)
    }
}
