import EBSDCore
import Foundation
import PatternStacks

/// Non-local pattern averaging (NLPAR; Brewick, Callahan & De Graef, Ultramicroscopy 200 (2019) 50–61):
/// each pattern becomes the weighted mean of the patterns in a (2r + 1)² window of the map around it,
/// weighted by how alike they are, so neighbours across a grain boundary hardly count while neighbours in
/// the same grain average the noise away.
///
/// Every pattern's noise σᵢ is estimated from its 3 × 3 map neighbourhood as the paper does:
/// σᵢ² = min over neighbours j of dᵢⱼ² / 2n, with dᵢⱼ² the squared Euclidean distance over the n pixels
/// compared (pairs closer than 10⁻³, a pattern recorded twice, are left out). A neighbour's weight is
/// `exp(−max(d̃ᵢⱼ, 0) / λ²)` with the normalised distance
/// `d̃ᵢⱼ = (dᵢⱼ² − n(σᵢ² + σⱼ²)) / ((σᵢ² + σⱼ²) √(2n))`,
/// which is ~0 for two noisy copies of one pattern; the pattern itself weighs 1. The window keeps its size
/// at the map's edges by shifting inwards. λ, the one smoothing parameter, is given or estimated from the
/// same 3 × 3 distances (``estimateLambda``: the λ at which the pattern keeps a third of the weight among
/// its 3 × 3 neighbours on average, the criterion of PyEBSDIndex's `opt_lambda` with its default target).
/// NLPAR works on the raw patterns, before any background correction. No saturation protection.
public struct NLPAR: Sendable, Hashable {
    /// Search radius (map pixels) unless given: a 7 × 7 window, the paper's and PyEBSDIndex's default.
    public static let defaultSearchRadius = 3
    /// The share of the weight a pattern keeps among its 3 × 3 neighbours at the estimated λ.
    public static let targetSelfWeight = 0.34
    /// Pairs closer than this (squared distance) count as one pattern recorded twice and give no σ.
    static let duplicateDistance: Float = 1e-3
    /// λ range searched by ``estimateLambda``.
    static let lambdaSearchRange = (low: 0.01, high: 10.0)
    /// Patterns sampled for the λ estimate at most (evenly spaced over the map).
    static let lambdaSamples = 1 << 20

    public var searchRadius: Int
    /// The smoothing parameter; nil: estimated from the stack (``prepare(_:progress:)``).
    public var lambda: Double?
    /// Pixels compared in the distances (true = compare); nil: all.
    public var mask: [Bool]?

    public init(searchRadius: Int = NLPAR.defaultSearchRadius, lambda: Double? = nil, mask: [Bool]? = nil) throws(NLPARError) {
        guard searchRadius >= 1 else { throw .invalid("NLPAR search radius \(searchRadius) must be ≥ 1") }
        if let l = lambda { guard l > 0, l.isFinite else { throw .invalid("NLPAR λ \(l) must be > 0") } }
        self.searchRadius = searchRadius
        self.lambda = lambda
        self.mask = mask
    }

    /// What averaging needs beyond the options: every pattern's noise σ (scan order) and the λ used.
    public struct Prepared: Sendable {
        public var sigma: [Float]
        public var lambda: Double
        public var mapRows: Int
        public var mapColumns: Int

        public init(sigma: [Float], lambda: Double, mapRows: Int, mapColumns: Int) {
            self.sigma = sigma
            self.lambda = lambda
            self.mapRows = mapRows
            self.mapColumns = mapColumns
        }
    }

    /// The first pass over `stack`: noise σ of every pattern and, where λ is not given, its estimate.
    /// Streams map rows with a one-row halo, as many rows at a time as fit `chunkBytes` (at least one).
    /// `progress(done)` counts patterns.
    public func prepare(
        _ stack: PatternStack, chunkBytes: Int = PatternStack.defaultChunkBytes, progress: ((Int) -> Void)? = nil
    ) throws -> Prepared {
        guard stack.mapShapeKnown else {
            throw NLPARError.invalid(
                "\(stack.path): NLPAR needs the map shape, which the file does not state (give the map shape, e.g. --map-shape ROWSxCOLS)")
        }
        let rows = stack.mapRows, cols = stack.mapColumns, np = stack.patternSize
        let chunkRows = stack.mapRows(fitting: chunkBytes)
        if let m = mask, m.count != np { throw NLPARError.invalid("NLPAR mask has \(m.count) pixels, patterns \(np)") }
        let indices = pixelIndices(np)
        let n = Float(indices.count)
        var sigma = [Float](repeating: 0, count: rows * cols)
        // squared distances to the 8 neighbours (NaN: none there), of the patterns sampled for λ
        let stride = max(1, (rows * cols + Self.lambdaSamples - 1) / Self.lambdaSamples)
        var sampled: [Int] = [], sampledD2: [Float] = []
        var r0 = 0
        while r0 < rows {
            let target = r0..<min(rows, r0 + chunkRows)
            let halo = max(0, target.lowerBound - 1)..<min(rows, target.upperBound + 1)
            let block = try stack.read((halo.lowerBound * cols)..<(halo.upperBound * cols))
            let m = target.count * cols
            var d2 = [Float](repeating: .nan, count: m * 8)
            var sig = [Float](repeating: 0, count: m)
            block.withUnsafeBufferPointer { bb in
                d2.withUnsafeMutableBufferPointer { db in
                    sig.withUnsafeMutableBufferPointer { sb in
                        let b = UncheckedPointer(readOnly: bb.baseAddress!), d = UncheckedPointer(db.baseAddress!)
                        let s = UncheckedPointer(sb.baseAddress!)
                        indices.withUnsafeBufferPointer { ib in
                            let ix = UncheckedPointer(readOnly: ib.baseAddress!)
                            parallelFor(m) { t in
                                let r = target.lowerBound + t / cols, c = t % cols
                                let p0 = b.p + ((r - halo.lowerBound) * cols + c) * np
                                var best = Float.infinity, k = 0
                                for dy in -1...1 {
                                    for dx in -1...1 where dy != 0 || dx != 0 {
                                        defer { k += 1 }
                                        let rr = r + dy, cc = c + dx
                                        guard rr >= 0, rr < rows, cc >= 0, cc < cols else { continue }
                                        let p1 = b.p + ((rr - halo.lowerBound) * cols + cc) * np
                                        let v = Self.squaredDistance(p0, p1, ix.p, indices.count)
                                        d.p[t * 8 + k] = v
                                        if v >= Self.duplicateDistance { best = min(best, v / (2 * n)) }
                                    }
                                }
                                // no usable neighbour: a σ so large that every weight is 1 (as PyEBSDIndex)
                                s.p[t] = best.isFinite ? best.squareRoot() : 1e12
                            }
                        }
                    }
                }
            }
            sigma.replaceSubrange((target.lowerBound * cols)..<(target.upperBound * cols), with: sig)
            if lambda == nil {
                for t in 0..<m where (target.lowerBound * cols + t) % stride == 0 {
                    sampled.append(target.lowerBound * cols + t)
                    sampledD2.append(contentsOf: d2[(t * 8)..<((t + 1) * 8)])
                }
            }
            r0 = target.upperBound
            progress?(r0 * cols)
        }
        let lam =
            lambda
            ?? Self.estimateLambda(
                sampled: sampled, squaredDistances: sampledD2, sigma: sigma, mapColumns: cols, pixels: Double(indices.count))
        return Prepared(sigma: sigma, lambda: lam, mapRows: rows, mapColumns: cols)
    }

    /// λ at which a pattern keeps ``targetSelfWeight`` of the weight among its 3 × 3 neighbours on average:
    /// minimises mean |target − 1/Σw| over the sampled patterns (grid over a log scale, then golden section).
    static func estimateLambda(sampled: [Int], squaredDistances d2: [Float], sigma: [Float], mapColumns cols: Int, pixels n: Double)
        -> Double
    {
        guard !sampled.isEmpty else { return 1 }
        let rows = sigma.count / cols
        var normalised = [Double](repeating: .nan, count: d2.count)
        for (s, i) in sampled.enumerated() {
            let r = i / cols, c = i % cols
            var k = 0
            for dy in -1...1 {
                for dx in -1...1 where dy != 0 || dx != 0 {
                    defer { k += 1 }
                    let rr = r + dy, cc = c + dx
                    guard rr >= 0, rr < rows, cc >= 0, cc < cols, d2[s * 8 + k].isFinite else { continue }
                    normalised[s * 8 + k] = normalisedDistance(Double(d2[s * 8 + k]), Double(sigma[i]), Double(sigma[rr * cols + cc]), n)
                }
            }
        }
        func misfit(_ lam: Double) -> Double {
            var total = 0.0
            for s in sampled.indices {
                var w = 1.0
                for k in 0..<8 where normalised[s * 8 + k].isFinite { w += exp(-max(normalised[s * 8 + k], 0) / (lam * lam)) }
                total += abs(targetSelfWeight - 1 / w)
            }
            return total / Double(sampled.count)
        }
        let lo = log(lambdaSearchRange.low), hi = log(lambdaSearchRange.high), steps = 60
        let grid = (0...steps).map { lo + (hi - lo) * Double($0) / Double(steps) }
        let values = grid.map { misfit(exp($0)) }
        let best = values.indices.min { values[$0] < values[$1] }!
        var a = grid[max(0, best - 1)], b = grid[min(steps, best + 1)]
        let golden = (5.0.squareRoot() - 1) / 2
        var x1 = b - golden * (b - a), x2 = a + golden * (b - a)
        var f1 = misfit(exp(x1)), f2 = misfit(exp(x2))
        for _ in 0..<40 {
            // one new evaluation per step: the surviving inner point is reused
            if f1 <= f2 {
                (b, x2, f2) = (x2, x1, f1)
                x1 = b - golden * (b - a)
                f1 = misfit(exp(x1))
            } else {
                (a, x1, f1) = (x1, x2, f2)
                x2 = a + golden * (b - a)
                f2 = misfit(exp(x2))
            }
        }
        return exp((a + b) / 2)
    }

    /// The normalised distance d̃ of two patterns with squared distance `d2` over `n` pixels.
    @inline(__always)
    static func normalisedDistance(_ d2: Double, _ s0: Double, _ s1: Double, _ n: Double) -> Double {
        let s = s0 * s0 + s1 * s1
        let norm = s * (2 * n).squareRoot()
        return norm > 1e-8 ? (d2 - n * s) / norm : 1e6 * n
    }

    /// The first map row of the window of map row (or column) `i` in a map of `count`: the window keeps its
    /// 2r + 1 rows at the edges by shifting inwards (clamped where the map is smaller than the window).
    @inline(__always)
    func windowStart(_ i: Int, _ count: Int) -> Int {
        max(0, max(i - searchRadius, 0) - max(i + searchRadius - (count - 1), 0))
    }
    @inline(__always)
    func windowEnd(_ i: Int, _ count: Int) -> Int {
        min(count, min(i + searchRadius, count - 1) + max(searchRadius - i, 0) + 1)
    }

    /// The map rows the patterns of scan indices `range` need read: their windows.
    public func rowsNeeded(for range: Range<Int>, mapRows: Int, mapColumns: Int) -> Range<Int> {
        guard !range.isEmpty else { return 0..<0 }
        let first = range.lowerBound / mapColumns, last = (range.upperBound - 1) / mapColumns
        return windowStart(first, mapRows)..<windowEnd(last, mapRows)
    }

    /// The averaged patterns of scan indices `range`, given the raw patterns of map rows `blockRows`
    /// (at least ``rowsNeeded(for:mapRows:mapColumns:)``), contiguous, and the prepared σ and λ.
    public func average(_ range: Range<Int>, block: [Float], blockRows: Range<Int>, prepared: Prepared, patternSize np: Int) -> [Float] {
        let rows = prepared.mapRows, cols = prepared.mapColumns
        let indices = pixelIndices(np)
        let n = Double(indices.count)
        let inverseLambda2 = 1 / (prepared.lambda * prepared.lambda)
        var out = [Float](repeating: 0, count: range.count * np)
        out.withUnsafeMutableBufferPointer { ob in
            block.withUnsafeBufferPointer { bb in
                prepared.sigma.withUnsafeBufferPointer { sb in
                    indices.withUnsafeBufferPointer { ib in
                        let o = UncheckedPointer(ob.baseAddress!), b = UncheckedPointer(readOnly: bb.baseAddress!)
                        let sg = UncheckedPointer(readOnly: sb.baseAddress!), ix = UncheckedPointer(readOnly: ib.baseAddress!)
                        parallelFor(range.count) { t in
                            let i = range.lowerBound + t, r = i / cols, c = i % cols
                            let p0 = b.p + ((r - blockRows.lowerBound) * cols + c) * np
                            let dst = o.p + t * np
                            var total = 0.0
                            for rr in windowStart(r, rows)..<windowEnd(r, rows) {
                                for cc in windowStart(c, cols)..<windowEnd(c, cols) {
                                    let j = rr * cols + cc
                                    let p1 = b.p + ((rr - blockRows.lowerBound) * cols + cc) * np
                                    var w = 1.0
                                    if j != i {
                                        let d2 = Double(Self.squaredDistance(p0, p1, ix.p, indices.count))
                                        let d = Self.normalisedDistance(d2, Double(sg.p[i]), Double(sg.p[j]), n)
                                        w = exp(-max(d, 0) * inverseLambda2)
                                    }
                                    total += w
                                    let wf = Float(w)
                                    Self.accumulate(dst, p1, wf, np)
                                }
                            }
                            let scale = Float(1 / total)
                            for q in 0..<np { dst[q] *= scale }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The pixels compared: the mask's, else all.
    func pixelIndices(_ np: Int) -> [Int32] {
        guard let m = mask, m.count == np else { return (0..<Int32(np)).map { $0 } }
        return m.indices.filter { m[$0] }.map(Int32.init)
    }

    /// Σ (a − b)² over the pixels `indices`; over all pixels (`indices` 0..<n) with SIMD loads.
    @inline(__always)
    static func squaredDistance(
        _ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ ix: UnsafeMutablePointer<Int32>, _ n: Int
    )
        -> Float
    {
        if ix[n - 1] == Int32(n - 1) { return squaredDistance(a, b, n) }
        var s0: Float = 0, s1: Float = 0
        var k = 0
        while k + 2 <= n {
            let i0 = Int(ix[k]), i1 = Int(ix[k + 1])
            let d0 = a[i0] - b[i0], d1 = a[i1] - b[i1]
            s0 += d0 * d0
            s1 += d1 * d1
            k += 2
        }
        if k < n {
            let d = a[Int(ix[k])] - b[Int(ix[k])]
            s0 += d * d
        }
        return s0 + s1
    }

    /// Σ (a − b)² over n contiguous pixels.
    @inline(__always)
    static func squaredDistance(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0), acc2 = SIMD8<Float>(repeating: 0)
        var k = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while k + 16 <= n {
            let d0 =
                ra.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
            let d1 =
                ra.loadUnaligned(fromByteOffset: 4 * (k + 8), as: SIMD8<Float>.self)
                - rb.loadUnaligned(fromByteOffset: 4 * (k + 8), as: SIMD8<Float>.self)
            acc.addProduct(d0, d0)
            acc2.addProduct(d1, d1)
            k += 16
        }
        var s = (acc + acc2).sum()
        while k < n {
            let d = a[k] - b[k]
            s += d * d
            k += 1
        }
        return s
    }

    /// dst += w · src over n contiguous values.
    @inline(__always)
    static func accumulate(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafeMutablePointer<Float>, _ w: Float, _ n: Int) {
        var k = 0
        let rd = UnsafeMutableRawPointer(dst), rs = UnsafeRawPointer(src)
        while k + 8 <= n {
            var d = rd.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self)
            d.addProduct(w, rs.loadUnaligned(fromByteOffset: 4 * k, as: SIMD8<Float>.self))
            rd.storeBytes(of: d, toByteOffset: 4 * k, as: SIMD8<Float>.self)
            k += 8
        }
        while k < n {
            dst[k] += w * src[k]
            k += 1
        }
    }
}

/// An NLPAR option or input that cannot work, named.
public enum NLPARError: Error, CustomStringConvertible, Sendable {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let m): return m
        }
    }
}
