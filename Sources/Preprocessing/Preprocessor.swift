import EBSDCore
import Foundation
import EBSDNumerics

/// A composable list of steps applied in order, on all cores for a batch of
/// patterns. Steps that shrink the pattern (binning) update the shape for
/// the steps after them.
public struct Preprocessor: Sendable {
    public let rows: Int, columns: Int
    public let steps: [PreprocessStep]
    let blurs: [Int: GaussianBlur]

    public init(rows: Int, columns: Int, steps: [PreprocessStep]) {
        self.rows = rows
        self.columns = columns
        self.steps = steps
        var blurs: [Int: GaussianBlur] = [:]
        var r = rows, c = columns
        for (k, s) in steps.enumerated() {
            switch s {
            case .dynamicBackground(let sigma, _), .gaussianFilter(let sigma): blurs[k] = GaussianBlur(rows: r, columns: c, sigma: sigma)
            case .dynamicBackgroundBinned(let sigma, let f, _):
                blurs[k] = GaussianBlur(rows: r / f, columns: c / f, sigma: sigma / Double(f))
            case .binning(let f):
                r /= f
                c /= f
            default: break
            }
        }
        self.blurs = blurs
    }

    /// Shape after all steps.
    /// kikuchipy's standard preprocessing of 8-bit patterns (`remove_static_background` then
    /// `remove_dynamic_background`, each subtracting and rescaling to the uint8 range): the static background
    /// `staticBackground` if given, the dynamic background with σ = width/8, each followed by a cast to uint8.
    public static func kikuchipyStandard(rows: Int, columns: Int, staticBackground: [Float]?) -> Preprocessor {
        let statics: [PreprocessStep] = staticBackground.map { [.staticBackground(image: $0, operation: .subtract), .quantizeUInt8] } ?? []
        return Preprocessor(
            rows: rows, columns: columns,
            steps: statics + [
                .dynamicBackground(sigma: DynamicBackground.defaultSigma(columns: columns), operation: .subtract), .quantizeUInt8,
            ])
    }

    public var outputShape: (rows: Int, columns: Int) {
        var r = rows, c = columns
        for s in steps {
            if case .binning(let f) = s {
                r /= f
                c /= f
            }
        }
        return (r, c)
    }

    /// Applies all steps to one pattern.
    public func apply(_ pattern: [Float]) -> [Float] {
        var p = pattern
        var r = rows, c = columns
        for (k, s) in steps.enumerated() {
            switch s {
            case .staticBackground(let bg, let op):
                for i in p.indices { p[i] = op == .subtract ? p[i] - bg[i] : p[i] / (bg[i] == 0 ? 1 : bg[i]) }
                Preprocessor.rescale(&p, 0, 255)
            case .dynamicBackground(_, let op):
                let bg = blurs[k]!.apply(p)
                for i in p.indices { p[i] = op == .subtract ? p[i] - bg[i] : p[i] / (bg[i] == 0 ? 1 : bg[i]) }
                Preprocessor.rescale(&p, 0, 255)
            case .dynamicBackgroundBinned(_, let f, let op):
                let br = r / f, bc = c / f
                var small = [Float](repeating: 0, count: br * bc)
                for i in 0..<br {
                    for j in 0..<bc {
                        var acc: Float = 0
                        for a in 0..<f { for b in 0..<f { acc += p[min(r - 1, i * f + a) * c + min(c - 1, j * f + b)] } }
                        small[i * bc + j] = acc / Float(f * f)
                    }
                }
                let sb = blurs[k]!.apply(small)
                for i in 0..<r {
                    for j in 0..<c {
                        // bilinear at the binned-grid position of the pixel centre
                        let y = min(Float(br - 1), max(0, (Float(i) + 0.5) / Float(f) - 0.5)),
                            x = min(Float(bc - 1), max(0, (Float(j) + 0.5) / Float(f) - 0.5))
                        let y0 = Int(y), x0 = Int(x), y1 = min(br - 1, y0 + 1), x1 = min(bc - 1, x0 + 1)
                        let fy = y - Float(y0), fx = x - Float(x0)
                        let bg =
                            sb[y0 * bc + x0] * (1 - fy) * (1 - fx) + sb[y1 * bc + x0] * fy * (1 - fx) + sb[y0 * bc + x1] * (1 - fy) * fx
                            + sb[y1 * bc + x1] * fy * fx
                        p[i * c + j] = op == .subtract ? p[i * c + j] - bg : p[i * c + j] / (bg == 0 ? 1 : bg)
                    }
                }
                Preprocessor.rescale(&p, 0, 255)
            case .gaussianFilter:
                p = blurs[k]!.apply(p)
            case .binning(let f):
                let nr = r / f, nc = c / f
                var out = [Float](repeating: 0, count: nr * nc)
                let inv = 1 / Float(f * f)
                for i in 0..<nr {
                    for j in 0..<nc {
                        var s: Float = 0
                        for a in 0..<f { for b in 0..<f { s += p[(i * f + a) * c + j * f + b] } }
                        out[i * nc + j] = s * inv
                    }
                }
                p = out
                r = nr
                c = nc
            case .mask(let m):
                for i in p.indices where !m[i] { p[i] = 0 }
            case .quantizeUInt8:
                for i in p.indices { p[i] = max(0, min(255, p[i])).rounded(.towardZero) }
            case .normalize(let m):
                PatternNormalization.normalize(&p, mask: m)
            case .clipPercentiles(let lo, let hi):
                let sorted = p.sorted()
                let a = sorted[min(sorted.count - 1, Int(lo / 100 * Double(sorted.count - 1)))]
                let b = sorted[min(sorted.count - 1, Int(hi / 100 * Double(sorted.count - 1)))]
                for i in p.indices { p[i] = min(b, max(a, p[i])) }
            }
        }
        return p
    }

    /// Applies the steps to `count` patterns stored contiguously, in parallel.
    public func apply(batch: [Float], count: Int) -> [Float] {
        let n = rows * columns
        let out = outputShape
        let m = out.rows * out.columns
        precondition(batch.count == count * n)
        var result = [Float](repeating: 0, count: count * m)
        result.withUnsafeMutableBufferPointer { rb in
            let base = UncheckedPointer(rb.baseAddress!)
            parallelFor(count) { k in
                let q = apply(Array(batch[(k * n)..<((k + 1) * n)]))
                q.withUnsafeBufferPointer { (base.p + k * m).update(from: $0.baseAddress!, count: m) }
            }
        }
        return result
    }

    /// Linear rescale to [lo, hi] (a constant pattern becomes lo).
    public static func rescale(_ p: inout [Float], _ lo: Float, _ hi: Float) {
        guard let mn = p.min(), let mx = p.max() else { return }
        let span = mx - mn
        if span == 0 {
            for i in p.indices { p[i] = lo }
            return
        }
        let k = (hi - lo) / span
        for i in p.indices { p[i] = (p[i] - mn) * k + lo }
    }

}

/// A circular mask of the detector (true inside the inscribed circle).
public func circularMask(rows: Int, columns: Int) -> [Bool] {
    let cy = Double(rows - 1) / 2, cx = Double(columns - 1) / 2, r = Double(min(rows, columns)) / 2
    var m = [Bool](repeating: false, count: rows * columns)
    for i in 0..<rows {
        for j in 0..<columns {
            let dy = Double(i) - cy, dx = Double(j) - cx
            m[i * columns + j] = dx * dx + dy * dy <= r * r
        }
    }
    return m
}
