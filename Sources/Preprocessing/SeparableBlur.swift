import Foundation

/// A small Gaussian blur by direct separable convolution (edges replicated),
/// for narrow kernels (σ ≲ 2 px) applied millions of times — e.g. giving
/// simulated patterns the detector's point-spread before they are compared
/// with measured ones. No allocation per call: the caller passes a scratch
/// buffer of rows × columns floats.
public struct SeparableBlur: Sendable {
    public let rows: Int, columns: Int
    public let sigma: Double
    let kernel: [Float]

    public init(rows: Int, columns: Int, sigma: Double, truncate: Double = 3) {
        precondition(sigma > 0)
        self.rows = rows
        self.columns = columns
        self.sigma = sigma
        let r = max(1, Int((truncate * sigma).rounded(.up)))
        let k = (-r...r).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let s = k.reduce(0, +)
        kernel = k.map { Float($0 / s) }
    }

    /// Blurs `image` in place, using `scratch` (rows × columns floats). Interior pixels
    /// are done eight at a time; only the `radius` columns at each edge clamp.
    public func apply(_ image: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let r = kernel.count / 2, nk = kernel.count
        kernel.withUnsafeBufferPointer { k in
            // along rows into scratch
            for y in 0..<rows {
                let row = image + y * columns, out = scratch + y * columns
                var x = 0
                func edge(_ x: Int) {
                    var s: Float = 0
                    for j in 0..<nk { s += k[j] * row[min(columns - 1, max(0, x + j - r))] }
                    out[x] = s
                }
                while x < min(r, columns) {
                    edge(x)
                    x += 1
                }
                while x + 8 <= columns - r {
                    var acc = SIMD8<Float>()
                    for j in 0..<nk {
                        let src: UnsafeMutablePointer<Float> = row + (x + j - r)
                        let v = UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self)
                        acc += k[j] * v
                    }
                    UnsafeMutableRawPointer(out + x).storeBytes(of: acc, as: SIMD8<Float>.self)
                    x += 8
                }
                while x < columns {
                    edge(x)
                    x += 1
                }
            }
            // along columns back into image
            for y in 0..<rows {
                let out = image + y * columns
                var x = 0
                while x + 8 <= columns {
                    var acc = SIMD8<Float>()
                    for j in 0..<nk {
                        let src: UnsafeMutablePointer<Float> = scratch + (min(rows - 1, max(0, y + j - r)) * columns + x)
                        let v = UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self)
                        acc += k[j] * v
                    }
                    UnsafeMutableRawPointer(out + x).storeBytes(of: acc, as: SIMD8<Float>.self)
                    x += 8
                }
                while x < columns {
                    var s: Float = 0
                    for j in 0..<nk { s += k[j] * scratch[min(rows - 1, max(0, y + j - r)) * columns + x] }
                    out[x] = s
                    x += 1
                }
            }
        }
    }
}
