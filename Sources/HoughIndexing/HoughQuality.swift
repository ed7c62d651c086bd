import Foundation
import CrystalMaps

/// Figures of merit of one pattern read off its Radon (Hough) transform, the measures vendors show
/// before any orientation is trusted. All three are taken at the detected bands:
///
/// - `imageQuality`: the mean height of the detected peaks in the band-enhanced transform, as EDAX OIM
///   defines IQ (Wright & Nowell 2006) — in the units of the preprocessed pattern (background removed,
///   0…255), so it compares patterns of one map or of maps preprocessed alike.
/// - `bandContrast`: how far the bands stand above the pattern: the mean, over detected bands, of the
///   band-centre line mean minus the mean of all lines (the quantity Oxford's Channel 5/AZtec scales to
///   0–255 as BC).
/// - `bandSlope`: how sharp the band edges are: the mean, over detected bands, of the steepest change of
///   the line mean across ρ within one band width of the centre, per ρ cell (Oxford's BS before scaling).
///
/// All three are in the units of the preprocessed pattern, which background removal rescales to 0…255
/// pattern by pattern: they measure the bands against everything else in the pattern, noise included.
///
/// ``scaledTo255(_:)`` turns a map of `bandContrast` or `bandSlope` into the vendors' 0–255 scale.
public struct HoughQuality: Sendable, Equatable {
    public var imageQuality: Double
    public var bandContrast: Double
    public var bandSlope: Double

    public init(imageQuality: Double, bandContrast: Double, bandSlope: Double) {
        self.imageQuality = imageQuality
        self.bandContrast = bandContrast
        self.bandSlope = bandSlope
    }

    /// All zero: the value of a pattern in which no band was found.
    public static let none = HoughQuality(imageQuality: 0, bandContrast: 0, bandSlope: 0)

    /// The quantiles a 0–255 scale maps from (a few bright outliers must not darken the whole map).
    public static let scaleQuantile = 0.995

    /// The figures of merit of one pattern.
    /// - Parameters:
    ///   - transform: Radon transform of the preprocessed pattern (`[θ][ρ]`, NaN in empty cells).
    ///   - bands: the bands detected in its enhanced transform.
    ///   - radon: the transform's geometry.
    ///   - bandWidth: the expected band width in ρ cells.
    public static func measure(transform t: [Float], bands: [Band], radon: RadonTransform, bandWidth: Double) -> HoughQuality {
        guard !bands.isEmpty else { return .none }
        var sum = 0.0, n = 0.0
        for v in t where v.isFinite {
            sum += Double(v)
            n += 1
        }
        guard n > 0 else { return .none }
        let mean = sum / n
        let nt = radon.thetaCount, nr = radon.rhoCount
        let reach = max(1, Int(bandWidth.rounded(.up)))
        func value(_ th: Int, _ r: Int) -> Double? {
            guard r >= 0, r < nr else { return nil }
            let v = t[th * nr + r]
            return v.isFinite ? Double(v) : nil
        }
        var contrast = 0.0, slope = 0.0
        for b in bands {
            let cell = radon.cell(theta: b.theta, rho: b.rho)
            let th = min(nt - 1, max(0, Int(cell.theta.rounded()))), r = Int(cell.rho.rounded())
            if let c = value(th, r) { contrast += c - mean }
            var steepest = 0.0
            for k in (r - reach)..<(r + reach) {
                if let a = value(th, k), let c = value(th, k + 1) { steepest = max(steepest, abs(c - a)) }
            }
            slope += steepest
        }
        let m = Double(bands.count)
        return HoughQuality(
            imageQuality: bands.map { Double($0.strength) }.reduce(0, +) / m, bandContrast: contrast / m, bandSlope: slope / m)
    }

    /// A map of raw values on the vendors' 0–255 scale: 255 at the map's `scaleQuantile` quantile of
    /// positive values, linear, clipped to 0…255 and rounded (0 stays 0: no band found).
    public static func scaledTo255(_ values: [Float]) -> [Float] {
        let positive = values.filter { $0.isFinite && $0 > 0 }.sorted()
        guard !positive.isEmpty else { return values.map { _ in 0 } }
        let top = positive[min(positive.count - 1, Int(Double(positive.count - 1) * scaleQuantile))]
        return values.map { v in v.isFinite && v > 0 ? min(255, (255 * v / top).rounded()) : 0 }
    }

    /// `map` with its band contrast and band slope (as measured) scaled to 0–255 over the whole map
    /// (``scaledTo255(_:)``); a map without them is returned as it is.
    public static func scalingBandContrast(of map: CrystalMap) -> CrystalMap {
        var out = map
        for name in [MapProperty.bandContrast, MapProperty.bandSlope] {
            if let v = map.properties[name] { out.properties[name] = scaledTo255(v) }
        }
        return out
    }
}
