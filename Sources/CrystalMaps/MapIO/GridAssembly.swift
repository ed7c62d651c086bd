import Foundation
import Crystallography

/// Places scan points given by their (x, y) coordinates on a square grid,
/// whatever order the file lists them in. Shared by the text readers.
struct GridAssembly {
    /// For each file record, its pixel index in row-major order.
    let pixelOfRecord: [Int]
    let grid: MapGrid

    /// - Parameters: `rows`/`columns`/steps from the header (nil: derive from the data).
    init(
        path: String, xs: [Double], ys: [Double], rows: Int?, columns: Int?, stepX: Double?, stepY: Double?,
        firstDataLine: Int
    ) throws(MapFileError) {
        let n = xs.count
        guard n > 0 else { throw .malformed(path: path, line: nil, message: "no data points") }
        let x0 = xs.min()!, y0 = ys.min()!
        func step(_ v: [Double], _ origin: Double) -> Double? {
            var best = Double.infinity
            for x in v {
                let d = x - origin
                if d > 1e-9 && d < best { best = d }
            }
            return best.isFinite ? best : nil
        }
        let dx = stepX ?? step(xs, x0) ?? 1
        let dy = stepY ?? step(ys, y0) ?? dx
        guard dx > 0, dy > 0 else {
            throw .malformed(path: path, line: nil, message: "step sizes must be positive (XSTEP \(dx), YSTEP \(dy))")
        }
        // grid extents from the data (bounded by the point count: a grid of n points has ≤ n columns)
        func extent(_ v: [Double], _ origin: Double, _ d: Double) -> Int {
            let e = ((v.max()! - origin) / d).rounded() + 1
            return e.isFinite && e <= Double(n) ? Int(e) : n + 1
        }
        let cols = columns ?? extent(xs, x0, dx)
        let rws = rows ?? extent(ys, y0, dy)
        let (total, overflow) = cols.multipliedReportingOverflow(by: rws)
        guard cols > 0, rws > 0, !overflow, total == n else {
            throw .malformed(
                path: path, line: nil,
                message:
                    "expected \(rws) rows × \(cols) columns = \(overflow ? "too many" : String(total)) data points, found \(n) "
                    + "(file truncated or header wrong?)"
            )
        }
        var pix = [Int](repeating: 0, count: n)
        var taken = [Bool](repeating: false, count: n)
        for k in 0..<n {
            let cd = ((xs[k] - x0) / dx).rounded(), rd = ((ys[k] - y0) / dy).rounded()
            guard cd >= 0, cd < Double(cols), rd >= 0, rd < Double(rws) else {
                throw .malformed(
                    path: path, line: firstDataLine + k, message: "point (x \(xs[k]), y \(ys[k])) lies outside the \(rws) × \(cols) grid")
            }
            let idx = Int(rd) * cols + Int(cd)
            if taken[idx] { throw .malformed(path: path, line: firstDataLine + k, message: "duplicate point at x \(xs[k]), y \(ys[k])") }
            taken[idx] = true
            pix[k] = idx
        }
        pixelOfRecord = pix
        grid = MapGrid(rows: rws, columns: cols, stepX: dx, stepY: dy, originX: x0, originY: y0)
    }
}
