import EBSDCore
import Foundation

/// Neighbour pattern averaging (NPAR-style, Wright et al. 2015): each
/// pattern becomes the weighted mean of itself and its 8 map neighbours
/// (3 × 3 window; weights renormalised at the map edges and over
/// not-present neighbours).
public struct NeighbourAveraging: Sendable {
    /// 3 × 3 weights, row-major, centre at index 4.
    public var weights: [Float]
    public init(weights: [Float] = [0.5, 1, 0.5, 1, 2, 1, 0.5, 1, 0.5]) {
        precondition(weights.count == 9)
        self.weights = weights
    }
    /// Gaussian window weights with standard deviation `sigma` (map pixels).
    public static func gaussian(sigma: Double) -> NeighbourAveraging {
        var w = [Float](repeating: 0, count: 9)
        for dy in -1...1 { for dx in -1...1 { w[(dy + 1) * 3 + dx + 1] = Float(exp(-Double(dx * dx + dy * dy) / (2 * sigma * sigma))) } }
        return NeighbourAveraging(weights: w)
    }

    /// Averages the patterns of map rows `rows` given the patterns of rows
    /// `rows.lowerBound − 1 … rows.upperBound` (a one-row halo where it exists).
    /// - Parameters:
    ///   - block: patterns of map rows `haloRows`, contiguous, `patternSize` floats each.
    ///   - haloRows: the map rows present in `block`.
    public func average(block: [Float], haloRows: Range<Int>, rows: Range<Int>, mapColumns: Int, patternSize: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows.count * mapColumns * patternSize)
        out.withUnsafeMutableBufferPointer { ob in
            let o = UncheckedPointer(ob.baseAddress!)
            parallelFor(rows.count * mapColumns) { t in
                let r = rows.lowerBound + t / mapColumns, c = t % mapColumns
                var wsum: Float = 0
                let dst = o.p + t * patternSize
                for dy in -1...1 {
                    for dx in -1...1 {
                        let rr = r + dy, cc = c + dx
                        guard haloRows.contains(rr), cc >= 0, cc < mapColumns else { continue }
                        let w = weights[(dy + 1) * 3 + dx + 1]
                        wsum += w
                        let src = ((rr - haloRows.lowerBound) * mapColumns + cc) * patternSize
                        for i in 0..<patternSize { dst[i] += w * block[src + i] }
                    }
                }
                if wsum > 0 { for i in 0..<patternSize { dst[i] /= wsum } }
            }
        }
        return out
    }
}
