import EBSDCore
import Foundation
import Crystallography
import CrystalMaps

/// Grain-size statistics of a segmented map.
///
/// - Equivalent-circle diameters (ECD), number-weighted and area-weighted
///   (each grain counts by its area) means and medians.
/// - Mean lineal intercept along x (rows) and along y (columns): the total
///   length of test lines inside indexed pixels divided by the number of
///   intercepted grain segments, segments cut by the map border or a
///   not-indexed pixel counting one half (ASTM E112 convention). In a
///   columnar cross-section with the interface along x, the x intercept is
///   the grain width.
/// - ASTM E112 grain-size numbers: `G = 3.321928 log₁₀ N_A − 2.954` from the
///   mean grain area (N_A grains per mm²) and `G = −6.643856 log₁₀ ℓ − 3.288`
///   from the mean intercept ℓ in mm.
public struct GrainStatistics: Sendable {
    public let grainMap: GrainMap
    public init(_ g: GrainMap) { grainMap = g }

    var grains: [Grain] { grainMap.grains }

    public var count: Int { grains.count }
    public var meanECD: Double { grains.isEmpty ? 0 : grains.reduce(0) { $0 + $1.equivalentDiameter } / Double(grains.count) }
    public var medianECD: Double { median(grains.map(\.equivalentDiameter)) }
    public var areaWeightedMeanECD: Double {
        let a = grains.reduce(0) { $0 + $1.area }
        return a > 0 ? grains.reduce(0) { $0 + $1.area * $1.equivalentDiameter } / a : 0
    }
    /// The ECD below which half of the grain area lies.
    public var areaWeightedMedianECD: Double {
        let sorted = grains.sorted { $0.equivalentDiameter < $1.equivalentDiameter }
        let total = sorted.reduce(0) { $0 + $1.area }
        var acc = 0.0
        for g in sorted {
            acc += g.area
            if acc >= total / 2 { return g.equivalentDiameter }
        }
        return 0
    }
    public var meanArea: Double { grains.isEmpty ? 0 : grains.reduce(0) { $0 + $1.area } / Double(grains.count) }

    /// Mean lineal intercept along x (µm).
    public var meanInterceptX: Double { intercept(alongX: true) }
    /// Mean lineal intercept along y (µm).
    public var meanInterceptY: Double { intercept(alongX: false) }

    func intercept(alongX: Bool) -> Double {
        let g = grainMap.map.grid, labels = grainMap.labels
        let lines = alongX ? g.rows : g.columns, length = alongX ? g.columns : g.rows
        let step = alongX ? g.stepX : g.stepY
        var total = 0.0, segments = 0.0
        for l in 0..<lines {
            var k = 0
            while k < length {
                let i = alongX ? l * g.columns + k : k * g.columns + l
                let lab = labels[i]
                if lab < 0 {
                    k += 1
                    continue
                }
                let start = k
                while k < length && labels[alongX ? l * g.columns + k : k * g.columns + l] == lab { k += 1 }
                let runLength = Double(k - start) * step
                total += runLength
                let openStart = start == 0 || labels[alongX ? l * g.columns + start - 1 : (start - 1) * g.columns + l] < 0
                let openEnd = k == length || labels[alongX ? l * g.columns + k : k * g.columns + l] < 0
                segments += (openStart || openEnd) ? 0.5 : 1
            }
        }
        return segments > 0 ? total / segments : 0
    }

    /// ASTM E112 G from the mean grain area (µm² → grains per mm²).
    public static func astmGFromArea(meanAreaMicrons a: Double) -> Double { 3.321928 * log10(1e6 / a) - 2.954 }
    /// ASTM E112 G from the mean lineal intercept (µm).
    public static func astmGFromIntercept(microns l: Double) -> Double { -6.643856 * log10(l / 1000) - 3.288 }

    /// Histogram of ECD: bin edges (µm) and number- and area-weighted fractions.
    public func ecdHistogram(bins: Int = 20) -> (edges: [Double], number: [Double], area: [Double]) {
        guard let mx = grains.map(\.equivalentDiameter).max(), mx > 0, bins > 0 else { return ([0, 1], [0], [0]) }
        let w = mx / Double(bins)
        var num = [Double](repeating: 0, count: bins), area = num
        let totalA = grains.reduce(0) { $0 + $1.area }
        for g in grains {
            let b = min(bins - 1, Int(g.equivalentDiameter / w))
            num[b] += 1 / Double(grains.count)
            area[b] += g.area / totalA
        }
        return ((0...bins).map { Double($0) * w }, num, area)
    }

    /// ASTM E2627 (EBSD) report: grains touching the map edge excluded, only
    /// grains of at least 100 pixels; warns when the average grain has fewer than 500 pixels.
    public struct E2627: Sendable, Codable {
        public var grainsCounted: Int
        public var edgeGrainsExcluded: Int
        public var smallGrainsExcluded: Int
        public var meanAreaMicrons2: Double
        public var meanECDMicrons: Double
        public var meanPixelsPerGrain: Double
        public var astmG: Double
        public var warning: String?
    }

    public var e2627: E2627 {
        let edge = grains.filter(\.touchesEdge).count
        let small = grains.filter { !$0.touchesEdge && $0.pixelCount < 100 }.count
        let kept = grains.filter { !$0.touchesEdge && $0.pixelCount >= 100 }
        let meanA = kept.isEmpty ? 0 : kept.reduce(0) { $0 + $1.area } / Double(kept.count)
        let meanPx = kept.isEmpty ? 0 : Double(kept.reduce(0) { $0 + $1.pixelCount }) / Double(kept.count)
        var warning: String?
        if kept.isEmpty {
            warning = "no interior grain of at least 100 pixels: the map is too small or the step too coarse for ASTM E2627"
        } else if meanPx < 500 {
            warning = String(format: "the average grain has %.0f pixels (< 500): ASTM E2627 asks for a finer step", meanPx)
        }
        return E2627(
            grainsCounted: kept.count, edgeGrainsExcluded: edge, smallGrainsExcluded: small, meanAreaMicrons2: meanA,
            meanECDMicrons: kept.isEmpty ? 0 : kept.reduce(0) { $0 + $1.equivalentDiameter } / Double(kept.count),
            meanPixelsPerGrain: meanPx, astmG: meanA > 0 ? GrainStatistics.astmGFromArea(meanAreaMicrons: meanA) : .nan, warning: warning)
    }
}
