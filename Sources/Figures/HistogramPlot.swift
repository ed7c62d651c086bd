import Foundation

/// The grain-size histogram: number- and area-weighted fractions (%) per equivalent-circle-diameter bin (µm) as paired
/// bars, ticks on 1–2–5 steps, axis titles with units, a legend.
public struct HistogramPlot {
    public var edges: [Double], number: [Double], area: [Double]
    public var title: String

    public init(edges: [Double], number: [Double], area: [Double], title: String) {
        self.edges = edges
        self.number = number
        self.area = area
        self.title = title
    }

    static let numberColor = Figure.Color(0.30, 0.45, 0.69), areaColor = Figure.Color(0.87, 0.52, 0.32)

    public func write(to path: String, widthMM: Double = 85, dpi: Double = Figure.defaultDPI) throws(FigureError) {
        guard edges.count == number.count + 1, number.count == area.count, !number.isEmpty else {
            throw FigureError("\(path): no grains to plot")
        }
        let f = try Figure(path: path, widthMM: widthMM, heightMM: widthMM * 0.65, dpi: dpi)
        let xs = NiceScale(covering: edges.first!, edges.last!, maximumTicks: 7)
        let ys = NiceScale(covering: 0, 100 * max(number.max() ?? 0, area.max() ?? 0) * 1.08, maximumTicks: 6)
        let axes = try Axes.titled(f, x: xs, y: ys, title: title)
        for k in 0..<number.count {
            let x0 = axes.px(edges[k]), x1 = axes.px(edges[k + 1]), mid = (x0 + x1) / 2
            let yn = axes.py(100 * number[k]), ya = axes.py(100 * area[k]), base = axes.py(0)
            f.fill(x: x0 + 0.15, y: yn, width: mid - x0 - 0.15, height: base - yn, color: Self.numberColor)
            f.fill(x: mid, y: ya, width: x1 - mid - 0.15, height: base - ya, color: Self.areaColor)
        }
        axes.draw(f, xTitle: "Equivalent-circle diameter (µm)", yTitle: "Fraction (%)")
        var y = axes.top + 2.5
        let x = axes.left + axes.width - 2.5 - 5 - f.measure("Area-weighted", sizePt: Axes.labelSizePt).width - 1
        for (label, color) in [("Number", Self.numberColor), ("Area-weighted", Self.areaColor)] {
            f.fill(x: x, y: y - 1, width: 4, height: 2, color: color)
            f.text(label, x: x + 5, y: y, sizePt: Axes.labelSizePt, vertical: .middle)
            y += Figure.mm(points: Axes.labelSizePt) * 1.4
        }
        try f.write()
    }
}
