import Foundation

/// Axis ticks on 1–2–5 steps: the smallest step of 1, 2 or 5 × 10ⁿ that covers a range in at most `maximumTicks`
/// intervals, and the range widened to whole steps (0–62.8° → 0, 10, …, 70; 0–0.38 → 0, 0.1, …, 0.4).
public struct NiceScale: Sendable, Hashable {
    public let lower: Double, upper: Double, step: Double

    public init(covering lo: Double, _ hi: Double, maximumTicks: Int = 7) {
        var a = min(lo, hi), b = max(lo, hi)
        if a == b {
            a -= a == 0 ? 1 : abs(a) * 0.1
            b += b == 0 ? 1 : abs(b) * 0.1
        }
        let rough = (b - a) / Double(max(1, maximumTicks - 1))
        let p = pow(10, floor(log10(rough)))
        var s = 10 * p
        for m in [1.0, 2.0, 5.0, 10.0] where m * p >= rough * (1 - 1e-9) {
            s = m * p
            break
        }
        step = s
        lower = floor(a / s + 1e-9) * s
        upper = ceil(b / s - 1e-9) * s
    }

    /// The tick values from `lower` to `upper`.
    public var ticks: [Double] {
        let n = Int(((upper - lower) / step).rounded())
        return (0...n).map { lower + Double($0) * step }
    }

    /// A tick's label with as many decimals as the step needs ("0.25", "10", "1.5").
    public func label(_ v: Double) -> String {
        // steps are 1, 2 or 5 × 10ⁿ: as many decimals as 10ⁿ needs
        let decimals = max(0, Int(ceil(-log10(step) - 1e-9)))
        return String(format: "%.\(decimals)f", abs(v) < step * 1e-9 ? 0 : v)
    }
}
