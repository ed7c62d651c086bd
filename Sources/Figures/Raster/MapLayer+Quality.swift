import Foundation
import CrystalMaps

extension MapLayer {
    /// The quantile range of a figure of merit without a fixed scale: 1st to 99th percentile of finite values.
    static let qualityQuantiles = (lower: 0.01, upper: 0.99)

    /// A figure-of-merit map of `property` (``MapProperty``): on its fixed scale where it has one (BC and BS
    /// 0–255, CI 0–1), else from its 1st to 99th percentile, with a label naming it and its unit.
    /// Nil when the map does not hold the property.
    public static func quality(_ property: String, of map: CrystalMap) -> MapLayer? {
        guard let v = map.properties[property] else { return nil }
        let fixed: [String: (ClosedRange<Float>, String)] = [
            MapProperty.bandContrast: (0...255, "Band contrast (0–255)"), MapProperty.bandSlope: (0...255, "Band slope (0–255)"),
            MapProperty.confidenceIndex: (0...1, "Confidence index"),
        ]
        if let (range, label) = fixed[property] { return .scalar(v, range: range, label: label) }
        let labels = [
            MapProperty.imageQuality: "IQ (Radon peak height)", MapProperty.fit: "Fit (°)",
            MapProperty.meanIntensity: "Mean pattern intensity (counts)", MapProperty.patternSharpness: "Pattern sharpness",
            MapProperty.score: "NCC", MapProperty.meanAngularDeviation: "MAD (°)",
        ]
        let finite = v.filter { $0.isFinite }.sorted()
        guard !finite.isEmpty else { return .scalar(v, range: 0...1, label: labels[property] ?? property) }
        let lo = finite[Int(Double(finite.count - 1) * qualityQuantiles.lower)]
        let hi = max(lo + Float.ulpOfOne * max(1, abs(lo)), finite[Int(Double(finite.count - 1) * qualityQuantiles.upper)])
        return .scalar(v, range: lo...hi, label: labels[property] ?? property)
    }
}
