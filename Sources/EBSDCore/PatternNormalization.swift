/// Zero-mean, unit-norm normalisation and the normalised cross-correlation (NCC,
/// Pearson's r) built on it — the library's one implementation, used by matching,
/// refinement, the pseudo-symmetry pattern check and the tests.
///
/// After `zeroMeanUnitNorm` the dot product of two patterns is their NCC.
/// **A flat pattern** (all values equal, or no values) has no contrast: normalisation
/// turns it into all zeros, and its NCC with any pattern is 0.
///
///     PatternNormalization.ncc([1, 2, 3], [2, 4, 6])   // 1
///     PatternNormalization.ncc([1, 2, 3], [3, 2, 1])   // -1
///     PatternNormalization.ncc([5, 5, 5], [1, 2, 3])   // 0 (flat)
public enum PatternNormalization {
    /// Normalises `count` values in place to zero mean and unit norm, accumulating in `T`
    /// in index order (a flat input becomes zeros).
    @inlinable @inline(__always)
    public static func zeroMeanUnitNorm<T: BinaryFloatingPoint>(_ v: UnsafeMutablePointer<T>, count n: Int) {
        guard n > 0 else { return }
        var sum: T = 0
        for i in 0..<n { sum += v[i] }
        let mean = sum / T(n)
        var ss: T = 0
        for i in 0..<n {
            let d = v[i] - mean
            v[i] = d
            ss += d * d
        }
        let inv: T = ss > 0 ? 1 / ss.squareRoot() : 0
        for i in 0..<n { v[i] *= inv }
    }

    /// Copies `pattern[indices[i]]` into `out[i]` and normalises the result (the pixels inside a mask).
    @inlinable @inline(__always)
    public static func gatherNormalized(
        _ pattern: UnsafePointer<Float>, indices: UnsafeBufferPointer<Int32>,
        into out: UnsafeMutablePointer<Float>
    ) {
        for i in 0..<indices.count { out[i] = pattern[Int(indices[i])] }
        zeroMeanUnitNorm(out, count: indices.count)
    }

    /// Normalises `values` (all of them, or those where `mask` is true; the others are set to 0).
    public static func normalize(_ values: inout [Float], mask: [Bool]? = nil) {
        guard let mask else {
            values.withUnsafeMutableBufferPointer { zeroMeanUnitNorm($0.baseAddress!, count: $0.count) }
            return
        }
        let inside = values.indices.filter { mask[$0] }.map { Int32($0) }
        var packed = [Float](repeating: 0, count: inside.count)
        values.withUnsafeBufferPointer { v in
            inside.withUnsafeBufferPointer { idx in
                packed.withUnsafeMutableBufferPointer { out in gatherNormalized(v.baseAddress!, indices: idx, into: out.baseAddress!) }
            }
        }
        for i in values.indices { values[i] = 0 }
        for (k, i) in inside.enumerated() { values[Int(i)] = packed[k] }
    }

    /// NCC of two equally long sequences, computed in double precision (0 when either is flat).
    public static func ncc<A: BinaryFloatingPoint, B: BinaryFloatingPoint>(_ a: [A], _ b: [B]) -> Double {
        precondition(a.count == b.count, "NCC of sequences of different lengths")
        var x = a.map { Double($0) }, y = b.map { Double($0) }
        x.withUnsafeMutableBufferPointer { zeroMeanUnitNorm($0.baseAddress!, count: $0.count) }
        y.withUnsafeMutableBufferPointer { zeroMeanUnitNorm($0.baseAddress!, count: $0.count) }
        var s = 0.0
        for i in x.indices { s += x[i] * y[i] }
        return s
    }
}
