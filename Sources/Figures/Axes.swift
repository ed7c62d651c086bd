import Foundation

/// A plot frame in a figure: data ranges mapped onto a rectangle (mm), with ticks on 1–2–5 steps, tick labels and axis
/// titles (units in the titles) laid out outside the frame from the measured text, so nothing is clipped.
public struct Axes {
    public let x: NiceScale, y: NiceScale
    /// The frame (mm).
    public let left: Double, top: Double, width: Double, height: Double
    public static let tickLengthMM = 1.2
    public static let labelSizePt = 7.0, titleSizePt = 8.0

    public init(x: NiceScale, y: NiceScale, left: Double, top: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.left = left
        self.top = top
        self.width = width
        self.height = height
    }

    public func px(_ v: Double) -> Double { left + (v - x.lower) / (x.upper - x.lower) * width }
    public func py(_ v: Double) -> Double { top + height - (v - y.lower) / (y.upper - y.lower) * height }

    /// The frame of a one-plot figure: the title centred on top (fitted to the width), the frame filling the rest
    /// within the margins the tick labels and axis titles need; refused when the figure is too small for them.
    public static func titled(_ f: Figure, x: NiceScale, y: NiceScale, title: String) throws(FigureError) -> Axes {
        let m = margins(f, y: y)
        let titleHeight = Figure.mm(points: titleSizePt) * 2
        let axes = Axes(
            x: x, y: y, left: m.left + 1, top: titleHeight + 1, width: f.widthMM - m.left - 4,
            height: f.heightMM - m.bottom - titleHeight - 2)
        guard axes.width > 20, axes.height > 15 else {
            throw FigureError("\(f.path): \(f.widthMM) mm is too narrow for the plot and its labels")
        }
        let heading = f.fitted(title, sizePt: titleSizePt, maximumWidth: f.widthMM - 2)
        f.text(heading.text, x: f.widthMM / 2, y: 1, sizePt: heading.sizePt, horizontal: .centre, vertical: .top)
        return axes
    }

    /// The space (mm) the y tick labels and title need left of the frame, and the x labels and title below it.
    public static func margins(_ f: Figure, y: NiceScale) -> (left: Double, bottom: Double) {
        let widest = y.ticks.map { f.measure(y.label($0), sizePt: labelSizePt).width }.max() ?? 0
        let title = Figure.mm(points: titleSizePt)
        return (tickLengthMM + 1 + widest + 1.5 + title + 1, tickLengthMM + 1 + Figure.mm(points: labelSizePt) + 1.5 + title + 1)
    }

    /// Frame, ticks, tick labels and axis titles.
    public func draw(_ f: Figure, xTitle: String, yTitle: String) {
        f.strokeRect(x: left, y: top, width: width, height: height, lineWidthPt: 0.6)
        for t in x.ticks {
            let p = px(t)
            f.polyline([(p, top + height), (p, top + height + Self.tickLengthMM)], lineWidthPt: 0.5)
            f.text(x.label(t), x: p, y: top + height + Self.tickLengthMM + 1, sizePt: Self.labelSizePt, horizontal: .centre, vertical: .top)
        }
        var widest = 0.0
        for t in y.ticks {
            let p = py(t)
            f.polyline([(left - Self.tickLengthMM, p), (left, p)], lineWidthPt: 0.5)
            let label = y.label(t)
            widest = max(widest, f.measure(label, sizePt: Self.labelSizePt).width)
            f.text(label, x: left - Self.tickLengthMM - 1, y: p, sizePt: Self.labelSizePt, horizontal: .right, vertical: .middle)
        }
        f.text(
            xTitle, x: left + width / 2, y: top + height + Self.tickLengthMM + 1 + Figure.mm(points: Self.labelSizePt) + 1.5,
            sizePt: Self.titleSizePt, horizontal: .centre, vertical: .top)
        f.text(
            yTitle, x: left - Self.tickLengthMM - 1 - widest - 1.5, y: top + height / 2, sizePt: Self.titleSizePt, horizontal: .centre,
            vertical: .bottom, degrees: 90)
    }
}
