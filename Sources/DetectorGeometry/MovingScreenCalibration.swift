import EBSDCore
import Foundation
import EBSDNumerics

/// The moving-screen method of pattern-centre calibration (Hjelen et al. 1991; Bruker convention): two or three
/// patterns of one point recorded with the detector moved along its normal by known distances. Every zone axis
/// (every direction from the source point) then moves along the straight line from the PC, by the ratio of the
/// distances: a pixel at offset d from the PC at distance z lies at d·(z + Δ)/z at distance z + Δ. So the PC is
/// where those lines meet, and the magnification between the patterns gives the distance.
///
/// Rather than picking zone axes, the whole pattern is used: the PC (x, y) and the first distance z are the
/// values under which each farther pattern, mapped back onto the first by that magnification about the PC
/// (bilinear interpolation), correlates best with it (mean NCC over the overlap, after a dynamic background
/// removal of σ = width/8). Distances and shifts are in units of the pattern height (Bruker PCz).
public struct MovingScreenCalibration: Sendable {
    public let rows: Int
    public let columns: Int
    /// Where the search starts and how wide it looks (grid, then Nelder–Mead; ``PCSearch``).
    public var search: PCSearch

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        search = PCSearch(range: 0.1, localStarts: 2)
    }

    /// The PC (Bruker) of the first pattern: `patterns[0]` at the unknown distance z, `patterns[k]` at z + `shifts[k − 1]`.
    public func calibrate(_ patterns: [[Float]], shifts: [Double], start: PatternCenter = PatternCenter(0.5, 0.5, 0.6))
        throws(MovingScreenError) -> PCSearch.Result
    {
        guard patterns.count >= 2, shifts.count == patterns.count - 1 else {
            throw .invalid("the moving-screen method needs 2 or more patterns and one shift per pattern after the first")
        }
        guard shifts.allSatisfy({ $0.isFinite && $0 != 0 }) else { throw .invalid("detector shifts must be finite and non-zero") }
        let n = rows * columns
        guard patterns.allSatisfy({ $0.count == n }) else { throw .invalid("every pattern must have \(rows) × \(columns) pixels") }
        let flat = patterns.map { Self.flatten($0, rows: rows, columns: columns) }
        let objective: (PatternCenter) -> Double = { pc in
            var total = 0.0
            for k in 1..<flat.count {
                total += correlation(flat[0], flat[k], pc: pc, shift: shifts[k - 1])
            }
            return -total / Double(flat.count - 1)
        }
        return search.search(from: start, global: objective, local: objective)
    }

    /// The overlap below which a trial counts as no match: a quarter of the pixels.
    static let minimumOverlap = 0.25

    /// NCC of `far` (recorded `shift` farther) mapped back onto `near` about the PC, over the pixels that land inside.
    func correlation(_ near: [Float], _ far: [Float], pc: PatternCenter, shift: Double) -> Double {
        let z = pc.z, zf = pc.z + shift
        guard z > 0, zf > 0 else { return -1 }
        let h = Double(rows), w = Double(columns)
        let a = pc.x * w, b = pc.y * h, m = z / zf
        var mapped: [Double] = [], measured: [Double] = []
        mapped.reserveCapacity(rows * columns)
        measured.reserveCapacity(rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                // pixel centre in `far`, mapped to `near` (pixel units, centres at +0.5), bilinear there
                let u = a + (Double(c) + 0.5 - a) * m - 0.5, v = b + (Double(r) + 0.5 - b) * m - 0.5
                guard u >= 0, v >= 0, u <= w - 1, v <= h - 1 else { continue }
                let c0 = min(columns - 2, Int(u)), r0 = min(rows - 2, Int(v))
                let fu = u - Double(c0), fv = v - Double(r0)
                let i = r0 * columns + c0
                let top = Double(near[i]) * (1 - fu) + Double(near[i + 1]) * fu
                let bottom = Double(near[i + columns]) * (1 - fu) + Double(near[i + columns + 1]) * fu
                mapped.append(top * (1 - fv) + bottom * fv)
                measured.append(Double(far[r * columns + c]))
            }
        }
        guard Double(mapped.count) > Self.minimumOverlap * Double(rows * columns) else { return -1 }
        return PatternNormalization.ncc(mapped, measured)
    }

    /// The pattern minus its Gaussian-blurred self (σ = width/8): bands kept, the smooth background (which
    /// changes with the distance) removed. The blur renormalises its weights at the edges rather than replicating
    /// edge pixels as `Preprocessing`'s blurs do: with replicated edges the simulated 3-distance PC came out 0.0020
    /// off instead of 0.0003, because near and far patterns reach the edges at different places.
    static func flatten(_ p: [Float], rows: Int, columns: Int) -> [Float] {
        let sigma = DynamicBackground.defaultSigma(columns: columns)
        let radius = Int((3 * sigma).rounded(.up))
        let kernel = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        func blur(_ v: [Double], along rowsFirst: Bool) -> [Double] {
            var out = v
            for r in 0..<rows {
                for c in 0..<columns {
                    var s = 0.0, ws = 0.0
                    for (k, w) in kernel.enumerated() {
                        let d = k - radius
                        let rr = rowsFirst ? r + d : r, cc = rowsFirst ? c : c + d
                        guard rr >= 0, rr < rows, cc >= 0, cc < columns else { continue }
                        s += w * v[rr * columns + cc]
                        ws += w
                    }
                    out[r * columns + c] = s / ws
                }
            }
            return out
        }
        let v = p.map(Double.init)
        let bg = blur(blur(v, along: true), along: false)
        return zip(v, bg).map { Float($0 - $1) }
    }
}

/// Moving-screen input that cannot work, named.
public enum MovingScreenError: Error, CustomStringConvertible, Sendable {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let m): return m
        }
    }
}
