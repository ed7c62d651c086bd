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
    /// accumulators then stay in L1 cache). 16-bit, so the table is half the memory traffic.
    let bins: [UInt16]
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
        for r in 0..<rows {
            for c in 0..<cols {
                let dx = Double(c) + 0.5 - cx, dy = Double(r) + 0.5 - cy
                let inside = dx * dx + dy * dy <= radiusPx * radiusPx
                let g = detector.gnomonic(row: r, column: c, pcIndex: pcIndex)
                xs.append(g.x)
                ys.append(g.y)
                keep.append(inside)
                if inside { rmax = max(rmax, (g.x * g.x + g.y * g.y).squareRoot()) }
            }
        }
        rhoMax = rmax
        let nr = min(Int(UInt16.max), rhoCount > 0 ? rhoCount : Int((2 * rmax / pixelGn).rounded()))
        self.rhoCount = nr
        pixels = rows * cols
        let act = (0..<pixels).filter { keep[$0] }
        var bins = [UInt16](repeating: 0, count: act.count * thetaCount)
        var counts = [Float](repeating: 0, count: thetaCount * nr)
        for t in 0..<thetaCount {
            let th = Double(t) * .pi / Double(thetaCount)
            let ct = cos(th), st = sin(th)
            for (k, p) in act.enumerated() {
                let rho = xs[p] * ct + ys[p] * st
                let b = min(nr - 1, max(0, Int(((rho + rmax) / (2 * rmax) * Double(nr)).rounded(.down))))
                bins[t * act.count + k] = UInt16(b)
                counts[t * nr + b] += 1
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

    /// The fractional cell of a line: the inverse of ``line(theta:rho:)``.
    public func cell(theta: Double, rho: Double) -> (theta: Double, rho: Double) {
        (theta / .pi * Double(thetaCount), (rho + rhoMax) / (2 * rhoMax) * Double(rhoCount) - 0.5)
    }

    /// Mean intensity per cell, `[θ][ρ]` row-major; cells with fewer than `minCount` pixels are NaN.
    public func transform(_ pattern: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, minCount: Float = 3) {
        transform(batch: pattern, count: 1, into: out, minCount: minCount)
    }

    /// The transforms of `count` patterns stored contiguously (`count × rows × columns`) into
    /// `count × thetaCount × rhoCount`. One pass over the bin table serves every pattern of the
    /// batch, so the table (several MB at 120 px and more) is read once per batch, not per pattern.
    public func transform(batch patterns: UnsafePointer<Float>, count m: Int, into out: UnsafeMutablePointer<Float>, minCount: Float = 3) {
        let n = thetaCount * rhoCount
        for i in 0..<(m * n) { out[i] = 0 }
        let na = active.count
        // values pixel-major (k, then pattern), so the innermost loop adds one pixel's values of all
        // patterns into m independent rows: no chain of dependent adds into one accumulator cell
        var values = [Float](repeating: 0, count: m * na)
        active.withUnsafeBufferPointer { a in
            for b in 0..<m { for k in 0..<na { values[k * m + b] = patterns[b * pixels + Int(a[k])] } }
        }
        bins.withUnsafeBufferPointer { bb in
            values.withUnsafeBufferPointer { v in
                let vp = v.baseAddress!
                for t in 0..<thetaCount {
                    let bt = bb.baseAddress! + t * na
                    let row = out + t * rhoCount
                    if m == 1 {
                        for k in 0..<na { row[Int(bt[k])] += vp[k] }
                    } else if m == 8 {
                        // the usual group size, unrolled
                        for k in 0..<na {
                            let cell = row + Int(bt[k])
                            let vk = vp + k * 8
                            cell[0] += vk[0]
                            cell[n] += vk[1]
                            cell[2 * n] += vk[2]
                            cell[3 * n] += vk[3]
                            cell[4 * n] += vk[4]
                            cell[5 * n] += vk[5]
                            cell[6 * n] += vk[6]
                            cell[7 * n] += vk[7]
                        }
                    } else {
                        for k in 0..<na {
                            let cell = row + Int(bt[k])
                            let vk = vp + k * m
                            for b in 0..<m { cell[b * n] += vk[b] }
                        }
                    }
                }
            }
        }
        counts.withUnsafeBufferPointer { c in
            for b in 0..<m {
                let o = out + b * n
                for i in 0..<n { o[i] = c[i] >= minCount ? o[i] / c[i] : .nan }
            }
        }
    }
}
