import Foundation
import Crystallography
import DetectorGeometry

/// The Radon (Hough) transform of a pattern in gnomonic coordinates: for each
/// line angle θ ∈ [0, π) and signed distance ρ, the mean intensity along the
/// line x cos θ + y sin θ = ρ. A Kikuchi band (a plane through the source
/// point) is a straight line in the gnomonic projection, so it becomes a peak.
/// Everything that depends on the detector is computed once: the pixels each
/// (θ, ρ) cell averages (see ``Sampling``), inside the circle inscribed in the detector.
public struct RadonTransform: Sendable {
    /// Which pixels a cell averages.
    public enum Sampling: Sendable, Equatable {
        /// Every pixel adds to the ρ cell its centre falls in, one cell per detector pixel unless given: the
        /// fastest, and what band detection and the PC calibration use.
        case pixelBins
        /// The nearest pixel to samples one detector pixel apart along the cell's line, with `cellsPerPixel` ρ
        /// cells per detector pixel — as PyEBSDIndex samples its lines (Rowenhorst et al., J. Appl. Cryst. 57
        /// (2024) 3). A cell's position then does not depend on where the pixel centres fall in it, which
        /// locating a band to a fraction of a pixel needs (``SharpBandView``).
        case lines(cellsPerPixel: Double)
    }

    public let thetaCount: Int
    public let rhoCount: Int
    public let rhoMax: Double
    public let detector: Detector
    public let sampling: Sampling
    /// The pixels of cell c (θ-major, `[θ][ρ]`) are `members[start[c] ..< start[c + 1]]`, as indices into `active`
    /// (θ-major, so one θ row's cells read nearby table entries).
    let start: [Int32]
    let members: [Int32]
    /// Indices of the pixels inside the mask.
    let active: [Int32]
    /// Number of pixels (with repeats) per (θ, ρ) cell.
    let counts: [Float]
    let pixels: Int

    /// - Parameters: `thetaCount` angles over 180°, `rhoCount` cells over ±ρmax (the gnomonic radius of the
    ///   largest circle inscribed in the detector around its centre; 0: one per detector pixel for
    ///   ``Sampling/pixelBins``, `cellsPerPixel` for ``Sampling/lines(cellsPerPixel:)``), circular mask.
    public init(detector: Detector, thetaCount: Int = 180, rhoCount: Int = 0, pcIndex: Int = 0, sampling: Sampling = .pixelBins) {
        self.detector = detector
        self.thetaCount = thetaCount
        self.sampling = sampling
        let rows = detector.rows, cols = detector.columns
        let pc = detector.pc(at: pcIndex)
        // inscribed circle around the detector centre, in gnomonic units
        let radiusPx = Double(min(rows, cols)) / 2 - 0.5
        let pixelGn = 1 / (pc.z * Double(rows))
        let cx = Double(cols) / 2, cy = Double(rows) / 2
        var activeIndex = [Int32](repeating: -1, count: rows * cols)
        var act: [Int32] = [], xs: [Double] = [], ys: [Double] = []
        var rmax = 0.0
        for r in 0..<rows {
            for c in 0..<cols {
                let dx = Double(c) + 0.5 - cx, dy = Double(r) + 0.5 - cy
                guard dx * dx + dy * dy <= radiusPx * radiusPx else { continue }
                let g = detector.gnomonic(row: r, column: c, pcIndex: pcIndex)
                activeIndex[r * cols + c] = Int32(act.count)
                act.append(Int32(r * cols + c))
                xs.append(g.x)
                ys.append(g.y)
                rmax = max(rmax, (g.x * g.x + g.y * g.y).squareRoot())
            }
        }
        rhoMax = rmax
        pixels = rows * cols
        active = act
        let perPixel: Double
        if case .lines(let k) = sampling { perPixel = k } else { perPixel = 1 }
        let nr = rhoCount > 0 ? rhoCount : Int((2 * rmax / pixelGn * perPixel).rounded())
        self.rhoCount = nr
        var start: [Int32] = [0], members: [Int32] = []
        switch sampling {
        case .pixelBins:
            // each active pixel into its cell, grouped per cell by a counting sort
            members = [Int32](repeating: 0, count: act.count * thetaCount)
            var bin = [Int](repeating: 0, count: act.count), fill = [Int](repeating: 0, count: nr)
            for t in 0..<thetaCount {
                let th = Double(t) * .pi / Double(thetaCount)
                let ct = cos(th), st = sin(th)
                var size = [Int](repeating: 0, count: nr)
                for k in act.indices {
                    let rho = xs[k] * ct + ys[k] * st
                    bin[k] = min(nr - 1, max(0, Int(((rho + rmax) / (2 * rmax) * Double(nr)).rounded(.down))))
                    size[bin[k]] += 1
                }
                let base = t * act.count
                var next = base
                for b in 0..<nr {
                    fill[b] = next
                    next += size[b]
                    start.append(Int32(next))
                }
                for k in act.indices {
                    members[fill[bin[k]]] = Int32(k)
                    fill[bin[k]] += 1
                }
            }
        case .lines:
            // samples one pixel apart along each line, through the foot of the perpendicular from the PC
            let reach = Int((rmax / pixelGn).rounded(.up)) + 2
            let scale = pc.z * Double(rows)
            members.reserveCapacity(thetaCount * nr * reach)
            for t in 0..<thetaCount {
                let th = Double(t) * .pi / Double(thetaCount)
                let ct = cos(th), st = sin(th)
                for b in 0..<nr {
                    let rho = (Double(b) + 0.5) / Double(nr) * 2 * rmax - rmax
                    for k in -reach...reach {
                        let along = Double(k) * pixelGn
                        // gnomonic (x, y) → detector column, row: the inverse of Detector.gnomonic
                        let u = (rho * ct - along * st) * scale + pc.x * Double(cols)
                        let v = pc.y * Double(rows) - (rho * st + along * ct) * scale
                        let c = Int(u.rounded(.down)), r = Int(v.rounded(.down))
                        guard c >= 0, c < cols, r >= 0, r < rows, activeIndex[r * cols + c] >= 0 else { continue }
                        members.append(activeIndex[r * cols + c])
                    }
                    start.append(Int32(members.count))
                }
            }
        }
        self.start = start
        self.members = members
        counts = (0..<(thetaCount * nr)).map { Float(start[$0 + 1] - start[$0]) }
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
    /// `count × thetaCount × rhoCount`. Eight patterns at a time share one pass over the cell table (several MB
    /// at 120 px and more), each table entry adding one pixel of all eight as a SIMD vector.
    public func transform(batch patterns: UnsafePointer<Float>, count m: Int, into out: UnsafeMutablePointer<Float>, minCount: Float = 3) {
        typealias Lanes = SIMD8<Float>
        let n = thetaCount * rhoCount, na = active.count, width = Lanes.scalarCount
        var values = [Lanes](repeating: .zero, count: na)
        for g in stride(from: 0, to: m, by: width) {
            let used = min(width, m - g)
            active.withUnsafeBufferPointer { a in
                for k in 0..<na {
                    var v = Lanes.zero
                    for b in 0..<used { v[b] = patterns[(g + b) * pixels + Int(a[k])] }
                    values[k] = v
                }
            }
            values.withUnsafeBufferPointer { vb in
                start.withUnsafeBufferPointer { st in
                    members.withUnsafeBufferPointer { mb in
                        let v = vb.baseAddress!, idx = mb.baseAddress!
                        for cell in 0..<n {
                            let lo = Int(st[cell]), hi = Int(st[cell + 1])
                            var acc = Lanes.zero
                            for j in lo..<hi { acc += v[Int(idx[j])] }
                            let c = Float(hi - lo)
                            let mean = c >= minCount ? acc / c : Lanes(repeating: .nan)
                            for b in 0..<used { out[(g + b) * n + cell] = mean[b] }
                        }
                    }
                }
            }
        }
    }
}
