import Foundation
import Crystallography

/// Places scan points given by their (x, y) coordinates on a square grid,
/// whatever order the file lists them in. Shared by the text readers.
struct GridAssembly {
    /// For each file record, its pixel index in row-major order.
    let pixelOfRecord: [Int]
    let grid: MapGrid

    /// - Parameters: `rows`/`columns`/steps from the header (nil: derive from the data).
    init(path: String, xs: [Double], ys: [Double], rows: Int?, columns: Int?, stepX: Double?, stepY: Double?,
         firstDataLine: Int) throws(MapFileError) {
        let n = xs.count
        guard n > 0 else { throw .malformed(path: path, line: nil, message: "no data points") }
        let x0 = xs.min()!, y0 = ys.min()!
        func step(_ v: [Double], _ origin: Double) -> Double? {
            var best = Double.infinity
            for x in v { let d = x - origin; if d > 1e-9 && d < best { best = d } }
            return best.isFinite ? best : nil
        }
        let dx = stepX ?? step(xs, x0) ?? 1
        let dy = stepY ?? step(ys, y0) ?? dx
        guard dx > 0, dy > 0 else { throw .malformed(path: path, line: nil, message: "step sizes must be positive (XSTEP \(dx), YSTEP \(dy))") }
        let cols = columns ?? (Int(((xs.max()! - x0) / dx).rounded()) + 1)
        let rws = rows ?? (Int(((ys.max()! - y0) / dy).rounded()) + 1)
        guard cols > 0, rws > 0, cols * rws == n else {
            throw .malformed(path: path, line: nil, message: "expected \(rws) rows × \(cols) columns = \(rws * cols) data points, found \(n) (file truncated or header wrong?)")
        }
        var pix = [Int](repeating: 0, count: n)
        var taken = [Bool](repeating: false, count: n)
        for k in 0..<n {
            let c = Int(((xs[k] - x0) / dx).rounded())
            let r = Int(((ys[k] - y0) / dy).rounded())
            guard c >= 0, c < cols, r >= 0, r < rws else {
                throw .malformed(path: path, line: firstDataLine + k, message: "point (x \(xs[k]), y \(ys[k])) lies outside the \(rws) × \(cols) grid")
            }
            let idx = r * cols + c
            if taken[idx] { throw .malformed(path: path, line: firstDataLine + k, message: "duplicate point at x \(xs[k]), y \(ys[k])") }
            taken[idx] = true
            pix[k] = idx
        }
        pixelOfRecord = pix
        grid = MapGrid(rows: rws, columns: cols, stepX: dx, stepY: dy, originX: x0, originY: y0)
    }
}
