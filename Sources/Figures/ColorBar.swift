import Foundation

/// A vertical colour bar for a continuous quantity (the library's viridis-like ramp), with 1–2–5 ticks and a title
/// with units.
public struct ColorBar {
    public let scale: NiceScale
    public let title: String
    public static let widthMM = 3.0

    public init(range: ClosedRange<Double>, title: String) {
        scale = NiceScale(covering: range.lowerBound, range.upperBound, maximumTicks: 6)
        self.title = title
    }

    /// The ramp colour of a value.
    public func color(_ v: Double) -> (UInt8, UInt8, UInt8) { MapRenderer.ramp(Float((v - scale.lower) / (scale.upper - scale.lower))) }

    /// The width (mm) the bar, its labels and title take.
    public var width: Double {
        let widest = scale.ticks.map { Figure.measure(scale.label($0), sizePt: Axes.labelSizePt).width }.max() ?? 0
        return Self.widthMM + Axes.tickLengthMM + 1 + widest + 1.5 + Figure.mm(points: Axes.titleSizePt)
    }

    /// Draws the bar at (x, top), `height` mm tall.
    public func draw(_ f: Figure, x: Double, top: Double, height: Double) {
        let steps = 256
        var rgb: [UInt8] = []
        for k in 0..<steps {
            let c = MapRenderer.ramp(Float(1 - (Double(k) + 0.5) / Double(steps)))
            rgb += [c.0, c.1, c.2]
        }
        f.image(rgb: rgb, width: 1, height: steps, x: x, y: top, drawWidth: Self.widthMM, drawHeight: height)
        f.strokeRect(x: x, y: top, width: Self.widthMM, height: height, lineWidthPt: 0.5)
        var widest = 0.0
        for t in scale.ticks {
            let y = top + height - (t - scale.lower) / (scale.upper - scale.lower) * height
            f.polyline([(x + Self.widthMM, y), (x + Self.widthMM + Axes.tickLengthMM, y)], lineWidthPt: 0.5)
            let label = scale.label(t)
            widest = max(widest, f.measure(label, sizePt: Axes.labelSizePt).width)
            f.text(label, x: x + Self.widthMM + Axes.tickLengthMM + 1, y: y, sizePt: Axes.labelSizePt, vertical: .middle)
        }
        f.text(
            title, x: x + Self.widthMM + Axes.tickLengthMM + 1 + widest + 1.5, y: top + height / 2, sizePt: Axes.titleSizePt,
            horizontal: .centre, vertical: .top, degrees: 90)
    }
}
