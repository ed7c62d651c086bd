import Foundation
import Crystallography
import DetectorGeometry

/// The Radon (Hough) transform of a pattern in gnomonic coordinates: for each
/// line angle θ ∈ [0, π) and signed distance ρ, the mean intensity of the
/// pixels whose gnomonic coordinates (x, y) satisfy x cos θ + y sin θ ≈ ρ.
/// A Kikuchi band (a plane through the source point) is a straight line in
/// the gnomonic projection, so it becomes a peak. Everything that depends on
/// the detector is computed once: each pixel's ρ bin for every θ.
public struct RadonTransform: Sendable {
    public let thetaCount: Int
    public let rhoCount: Int
    public let rhoMax: Double
    public let detector: Detector
    /// θ-major: bins[t * activePixels + k] = ρ bin of active pixel k at θ_t (each θ row's
    /// accumulators then stay in L1 cache).
    let bins: [Int32]
    /// Indices of the pixels inside the mask.
    let active: [Int32]
    /// Number of pixels per (θ, ρ) cell.
    let counts: [Float]
    let pixels: Int

    /// - Parameters: `thetaCount` angles over 180°, `rhoCount` bins over ±ρmax (the
    ///   gnomonic radius of the largest circle inscribed in the detector around the PC), circular mask.
    public init(detector: Detector, thetaCount: Int = 180, rhoCount: Int = 0, pcIndex: Int = 0) {
        self.detector = detector
        self.thetaCount = thetaCount
        let rows = detector.rows, cols = detector.columns
        let pc = detector.pc(at: pcIndex)
        // inscribed circle around the detector centre, in gnomonic units
        let radiusPx = Double(min(rows, cols)) / 2 - 0.5
        let pixelGn = 1 / (pc.z * Double(rows))
        let cx = Double(cols) / 2, cy = Double(rows) / 2
        var xs = [Double](), ys = [Double](), keep = [Bool]()
        var rmax = 0.0
        for r in 0..<rows { for c in 0..<cols {
            let dx = Double(c) + 0.5 - cx, dy = Double(r) + 0.5 - cy
            let inside = dx * dx + dy * dy <= radiusPx * radiusPx
            let g = detector.gnomonic(row: r, column: c, pcIndex: pcIndex)
            xs.append(g.x); ys.append(g.y); keep.append(inside)
            if inside { rmax = max(rmax, (g.x * g.x + g.y * g.y).squareRoot()) }
        } }
        rhoMax = rmax
        let nr = rhoCount > 0 ? rhoCount : Int((2 * rmax / pixelGn).rounded())
        self.rhoCount = nr
        pixels = rows * cols
        let act = (0..<pixels).filter { keep[$0] }
        var bins = [Int32](repeating: 0, count: act.count * thetaCount)
        var counts = [Float](repeating: 0, count: thetaCount * nr)
        for t in 0..<thetaCount {
            let th = Double(t) * .pi / Double(thetaCount)
            let ct = cos(th), st = sin(th)
            for (k, p) in act.enumerated() {
                let rho = xs[p] * ct + ys[p] * st
                let b = min(nr - 1, max(0, Int(((rho + rmax) / (2 * rmax) * Double(nr)).rounded(.down))))
                bins[t * act.count + k] = Int32(b); counts[t * nr + b] += 1
            }
        }
        self.bins = bins
        self.active = act.map { Int32($0) }
        self.counts = counts
    }

    /// θ (radians) and ρ (gnomonic) of a fractional cell.
    public func line(theta t: Double, rho r: Double) -> (theta: Double, rho: Double) {
        (t * .pi / Double(thetaCount), (r + 0.5) / Double(rhoCount) * 2 * rhoMax - rhoMax)
    }

    /// Mean intensity per cell, `[θ][ρ]` row-major; cells with fewer than `minCount` pixels are NaN.
    public func transform(_ pattern: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, minCount: Float = 3) {
        let n = thetaCount * rhoCount
        for i in 0..<n { out[i] = 0 }
        let na = active.count
        var values = [Float](repeating: 0, count: na)
        active.withUnsafeBufferPointer { a in for k in 0..<na { values[k] = pattern[Int(a[k])] } }
        bins.withUnsafeBufferPointer { b in values.withUnsafeBufferPointer { v in
            for t in 0..<thetaCount {
                let row = out + t * rhoCount
                let bt = b.baseAddress! + t * na
                for k in 0..<na { row[Int(bt[k])] += v[k] }
            }
        } }
        for i in 0..<n { out[i] = counts[i] >= minCount ? out[i] / counts[i] : .nan }
    }
}
