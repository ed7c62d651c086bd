import Foundation
import Crystallography
import CrystalMaps
import Texture

/// Pole figures side by side ({100}, {110}, {111} by default): each an upper-hemisphere disc in the chosen projection
/// with the pole density in multiples of uniform density (one colour scale for all, colour bar "MUD", contour lines at
/// the colour bar's ticks), the sample axes
/// labelled (X to the right, Y up: the map's frame), the family and the kernel stated; or, with `scatter`, the poles
/// as dots.
public struct PoleFigurePlot {
    public var figures: [(label: String, figure: PoleFigure)]
    public var projection: PoleFigure.Projection
    public var kernel: SphericalKernel
    public var scatter: Bool
    /// Density image pixels per disc diameter.
    public var resolution = 200
    /// At most this many poles are drawn as dots (every k-th pole beyond).
    public var maximumDots = 20_000

    /// The texture figure the pipeline draws: the plane families `hkl` of the points of phase index `phase` of `map`,
    /// equal area, contoured with a 5° Gaussian kernel; nil when no point of that phase is indexed.
    public static func contoured(_ map: CrystalMap, phase: Int, families hkl: [(Int, Int, Int)]) -> PoleFigurePlot? {
        let members = map.phaseIndex.indices.filter { map.phaseIndex[$0] == Int32(phase) }
        guard !members.isEmpty, map.phases.indices.contains(phase) else { return nil }
        let rotations = members.map { map.rotations[$0] }
        let figures = hkl.map { h in
            ("{\(h.0)\(h.1)\(h.2)}", PoleFigure(orientations: rotations, phase: map.phases[phase].phase, hkl: h))
        }
        return PoleFigurePlot(
            figures: figures, projection: .equalArea, kernel: SphericalKernel(.gaussian, halfWidthDegrees: standardKernelDegrees),
            scatter: false)
    }

    /// Half width of the kernel of ``contoured(_:phase:families:)`` (degrees).
    public static let standardKernelDegrees = 5.0
    /// Width of the pole-figure PNGs the pipeline writes (mm).
    public static let standardWidthMM = 180.0

    public init(figures: [(label: String, figure: PoleFigure)], projection: PoleFigure.Projection, kernel: SphericalKernel, scatter: Bool) {
        self.figures = figures
        self.projection = projection
        self.kernel = kernel
        self.scatter = scatter
    }

    /// Writes the figure to `path` (.png, .svg or .pdf), `widthMM` wide.
    public func write(to path: String, widthMM: Double = 180, dpi: Double = Figure.defaultDPI) throws(FigureError) {
        guard !figures.isEmpty, figures.allSatisfy({ $0.figure.poleCount > 0 }) else {
            throw FigureError("no orientations to plot: the map holds no indexed pixels of this phase")
        }
        let n = figures.count
        let densities = scatter ? [] : figures.map { $0.figure.density(size: resolution, projection: projection, kernel: kernel) }
        let top = densities.flatMap { $0 }.filter { $0.isFinite }.max() ?? 1
        let bar = ColorBar(range: 0...max(1, top), title: "MUD (multiples of uniform density)")
        // layout: n discs, a colour bar; label space around each disc
        let barWidth = scatter ? 0 : bar.width + 4
        let labelPad = Figure.measure("X", sizePt: Axes.titleSizePt).width + 2
        let titleHeight = Figure.mm(points: Axes.titleSizePt) * 1.8
        let disc = (widthMM - barWidth - Double(n) * 2 * labelPad - Double(n - 1) * 2) / Double(n)
        guard disc >= 20 else { throw FigureError("\(path): \(widthMM) mm is too narrow for \(n) pole figures and the colour bar") }
        let height = titleHeight + disc + 2 * labelPad + Figure.mm(points: Axes.labelSizePt) * 2.5
        let f = try Figure(path: path, widthMM: widthMM, heightMM: height, dpi: dpi)
        for (k, entry) in figures.enumerated() {
            let cx = labelPad + Double(k) * (disc + 2 * labelPad + 2) + disc / 2, cy = titleHeight + labelPad + disc / 2, r = disc / 2
            f.text(entry.label, x: cx, y: 1, sizePt: Axes.titleSizePt, horizontal: .centre, vertical: .top)
            if scatter {
                let figure = entry.figure, m = figure.crystalPoles.count
                let every = max(1, figure.poleCount / maximumDots)
                for j in stride(from: 0, to: figure.poleCount, by: every) {
                    let p = projection.point(figure.pole(j / m, j % m))
                    f.circle(x: cx + p.x * r, y: cy - p.y * r, radius: 0.25, fill: Figure.Color(0.1, 0.2, 0.6, 0.6))
                }
            } else {
                let d = densities[k]
                var rgb = [UInt8](repeating: 255, count: 3 * resolution * resolution)
                var outside = [Bool](repeating: false, count: resolution * resolution)
                for (i, v) in d.enumerated() {
                    if v.isFinite {
                        let c = bar.color(v)
                        rgb[3 * i] = c.0
                        rgb[3 * i + 1] = c.1
                        rgb[3 * i + 2] = c.2
                    } else {
                        outside[i] = true
                    }
                }
                f.clipCircle(x: cx, y: cy, radius: r)
                f.image(
                    rgb: rgb, width: resolution, height: resolution, x: cx - r, y: cy - r, drawWidth: disc, drawHeight: disc,
                    transparent: outside)
                // contour lines at the colour bar's tick values (MUD)
                let scale = disc / Double(resolution)
                for level in bar.scale.ticks where level > 0 && level < top {
                    let segments = Contours.segments(d, width: resolution, height: resolution, level: level).map {
                        ((cx - r + $0.0.0 * scale, cy - r + $0.0.1 * scale), (cx - r + $0.1.0 * scale, cy - r + $0.1.1 * scale))
                    }
                    f.segments(segments, color: Figure.Color(0, 0, 0, 0.7), lineWidthPt: 0.3)
                }
                f.resetClip()
            }
            f.circle(x: cx, y: cy, radius: r, stroke: .black, lineWidthPt: 0.6)
            f.polyline([(cx - 1, cy), (cx + 1, cy)], lineWidthPt: 0.4)
            f.polyline([(cx, cy - 1), (cx, cy + 1)], lineWidthPt: 0.4)
            f.text("X", x: cx + r + 1, y: cy, sizePt: Axes.titleSizePt, vertical: .middle)
            f.text("Y", x: cx, y: cy - r - 0.8, sizePt: Axes.titleSizePt, horizontal: .centre, vertical: .bottom)
        }
        let note =
            "\(projection == .equalArea ? "Equal-area" : "Stereographic") projection, upper hemisphere"
            + (scatter
                ? ", \(figures[0].figure.orientations.count) orientations"
                : String(
                    format: ", %@ kernel, half width %.1f°, max %.2f MUD",
                    kernel.shape == .gaussian ? "Gaussian" : "de la Vallée Poussin",
                    kernel.halfWidth * 180 / .pi, top))
        f.text(note, x: 1, y: height - 1, sizePt: Axes.labelSizePt, vertical: .bottom)
        if !scatter { bar.draw(f, x: widthMM - barWidth + 2, top: titleHeight + labelPad, height: disc) }
        try f.write()
    }
}
