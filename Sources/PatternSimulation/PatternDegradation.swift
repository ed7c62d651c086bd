import Foundation
import EBSDCore

/// Turns clean simulated patterns into realistic detector images: point
/// spread (Gaussian blur), a smooth off-centre background, per-pattern gain,
/// limited band contrast and Poisson counting noise — the model of the
/// project's development data:
/// `p01 = clip((blur(p) − min) / (percentile₉₉ − min), 0, 1)`,
/// `λ = peak · gain · bg · (1 − C + C · p01)`, `pattern = Poisson(λ)`.
/// Deterministic for a given seed (patterns may be degraded in parallel;
/// each uses its own generator seeded from `seed` and its index).
public struct PatternDegradation: Sendable {
    public var rows: Int, columns: Int
    public var psfSigma = 0.8
    public var contrast = 0.3
    public var peakCounts = 100.0
    public var gainRange = 0.8...1.2
    public var backgroundCentre = (x: 0.55, y: 0.4)  // fractions of width / height
    public var backgroundSigma = 0.4  // fraction of the width
    public var backgroundFloor = 0.25
    public var seed: UInt64 = 1
    /// Added to every per-pattern seed (kept from the first noise model, so the shipped sample stacks stay reproducible).
    static let noiseSeedOffset: UInt64 = 0x853C_49E6_748F_EA9B

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// The smooth background (max 1).
    public var background: [Float] {
        var bg = [Float](repeating: 0, count: rows * columns)
        let s = backgroundSigma * Double(columns)
        for r in 0..<rows {
            for c in 0..<columns {
                let dx = Double(c) - backgroundCentre.x * Double(columns), dy = Double(r) - backgroundCentre.y * Double(rows)
                bg[r * columns + c] = Float(backgroundFloor + (1 - backgroundFloor) * exp(-(dx * dx + dy * dy) / (2 * s * s)))
            }
        }
        return bg
    }

    /// Degrades pattern `index` (clean intensities, any scale). `contrastScale`
    /// lowers the band contrast (e.g. 0 for a pore, where no pattern forms).
    public func apply(_ clean: [Float], index: Int, contrastScale: Double = 1, blur: (([Float]) -> [Float])? = nil) -> [Float] {
        var rng = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ Self.noiseSeedOffset)
        let p = blur?(clean) ?? clean
        let mn = p.min() ?? 0
        let sorted = p.sorted()
        let hi = sorted[min(sorted.count - 1, Int(0.99 * Double(sorted.count - 1)))]
        let gain = Double.random(in: gainRange, using: &rng)
        let bg = background
        let c = contrast * contrastScale
        var out = [Float](repeating: 0, count: p.count)
        for i in p.indices {
            let p01 = hi > mn ? min(1, max(0, Double(p[i] - mn) / Double(hi - mn))) : 0
            let lambda = peakCounts * gain * Double(bg[i]) * (1 - c + c * p01)
            out[i] = Float(PatternDegradation.poisson(lambda, &rng))
        }
        return out
    }

    /// Poisson sample: multiplication method for small λ, normal approximation (rounded, ≥ 0) above 30.
    static func poisson(_ lambda: Double, _ rng: inout SplitMix64) -> Int {
        if lambda <= 0 { return 0 }
        if lambda < 30 {
            let l = exp(-lambda)
            var k = 0, p = 1.0
            repeat {
                k += 1
                p *= Double.random(in: 0..<1, using: &rng)
            } while p > l
            return k - 1
        }
        let u1 = max(1e-300, Double.random(in: 0..<1, using: &rng)), u2 = Double.random(in: 0..<1, using: &rng)
        let z = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        return max(0, Int((lambda + z * lambda.squareRoot()).rounded()))
    }
}
