import Foundation
import Crystallography
import Texture

/// The misorientation-angle distribution figure: the correlated (neighbour-pair, above the low-angle threshold) histogram
/// as bars, the uncorrelated
/// (random-pair) histogram as a step line, and the Mackenzie curve of the phase's Laue group, in % per degree against
/// the angle in degrees, with a legend.
public struct MisorientationPlot {
    public var correlated: MisorientationDistribution?
    public var uncorrelated: MisorientationDistribution?
    public var mackenzie: MackenzieDistribution?
    public var title: String

    public init(
        correlated: MisorientationDistribution?, uncorrelated: MisorientationDistribution?, mackenzie: MackenzieDistribution?, title: String
    ) {
        self.correlated = correlated
        self.uncorrelated = uncorrelated
        self.mackenzie = mackenzie
        self.title = title
    }

    /// Writes the figure to `path` (.png, .svg or .pdf), `widthMM` wide (height 0.7 × width).
    public func write(to path: String, widthMM: Double = 85, dpi: Double = Figure.defaultDPI) throws(FigureError) {
        let populated = [correlated, uncorrelated].compactMap { $0 }.filter { $0.total > 0 }
        guard !populated.isEmpty else { throw FigureError("no pixel pairs to plot: the map holds no indexed pixels of this phase") }
        let f = try Figure(path: path, widthMM: widthMM, heightMM: widthMM * 0.7, dpi: dpi)
        let maxAngle = max(
            mackenzie?.maximumDegrees ?? 0,
            populated.map { d in Double((d.counts.lastIndex { $0 > 0 } ?? 0) + 1) * d.binWidthDegrees }.max() ?? 0)
        let peak = max(
            (mackenzie?.density.max() ?? 0) * 100, populated.map { ($0.density.max() ?? 0) * 100 }.max() ?? 0)
        let xs = NiceScale(covering: 0, maxAngle, maximumTicks: 8), ys = NiceScale(covering: 0, peak * 1.05, maximumTicks: 6)
        let axes = try Axes.titled(f, x: xs, y: ys, title: title)
        if let c = correlated, c.total > 0 {
            for (k, v) in c.density.enumerated() where v > 0 {
                let a = Double(k) * c.binWidthDegrees
                guard a < xs.upper else { break }
                let y = axes.py(min(ys.upper, v * 100))
                f.fill(
                    x: axes.px(a), y: y, width: axes.px(a + c.binWidthDegrees) - axes.px(a), height: axes.py(0) - y,
                    color: Figure.Color(0.62, 0.72, 0.86))
            }
        }
        if let u = uncorrelated, u.total > 0 {
            var pts: [(Double, Double)] = []
            for (k, v) in u.density.enumerated() {
                let a = Double(k) * u.binWidthDegrees
                guard a < xs.upper else { break }
                pts += [(axes.px(a), axes.py(v * 100)), (axes.px(a + u.binWidthDegrees), axes.py(v * 100))]
            }
            f.polyline(pts, color: Figure.Color(0.2, 0.2, 0.2), lineWidthPt: 0.7)
        }
        if let mk = mackenzie {
            let pts = mk.density.enumerated().map { (axes.px((Double($0.offset) + 0.5) * mk.binWidthDegrees), axes.py($0.element * 100)) }
                .filter { $0.0 <= axes.px(xs.upper) }
            f.polyline(pts, color: Figure.Color(0.85, 0.15, 0.1), lineWidthPt: 1)
        }
        axes.draw(f, xTitle: "Misorientation angle (°)", yTitle: "Frequency (% per °)")
        // legend, top left inside the frame
        var y = axes.top + 2.5
        let x = axes.left + 2.5
        func entry(_ label: String, _ draw: (Double) -> Void) {
            draw(y)
            f.text(label, x: x + 6, y: y, sizePt: Axes.labelSizePt, vertical: .middle)
            y += Figure.mm(points: Axes.labelSizePt) * 1.4
        }
        if let c = correlated, c.total > 0 {
            entry(String(format: "Neighbour pairs ≥ %g° (%d)", c.minimumDegrees, c.total)) { yy in
                f.fill(x: x, y: yy - 1, width: 4.5, height: 2, color: Figure.Color(0.62, 0.72, 0.86))
            }
        }
        if let u = uncorrelated, u.total > 0 {
            entry("Random pairs (\(u.total))") { yy in
                f.polyline([(x, yy), (x + 4.5, yy)], color: Figure.Color(0.2, 0.2, 0.2), lineWidthPt: 0.7)
            }
        }
        if let mk = mackenzie {
            entry("Mackenzie, \(mk.laueGroup.symbol)") { yy in
                f.polyline([(x, yy), (x + 4.5, yy)], color: Figure.Color(0.85, 0.15, 0.1), lineWidthPt: 1)
            }
        }
        try f.write()
    }
}
