import Testing
import EBSDCore
@testable import EBSDNumerics

/// Issue 29: the int8 score kernels. The portable kernel is checked against integer arithmetic done here; the VNNI
/// kernel against the portable one, bit for bit, on shapes that leave partial tiles, panels and k-quads.
@Suite struct Int8GemmTests {
    /// Zero-mean, unit-norm rows with a Kikuchi-like spread (a few large values), from a fixed seed.
    static func rows(_ count: Int, _ length: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var x = [Float](repeating: 0, count: count * length)
        for r in 0..<count {
            var row = (0..<length).map { _ in Float(rng.unitOpen() - 0.5) * (rng.unitOpen() < 0.05 ? 6 : 1) }
            let mean = row.reduce(0, +) / Float(length)
            row = row.map { $0 - mean }
            let norm = row.map { $0 * $0 }.reduce(0, +).squareRoot()
            for i in 0..<length { x[r * length + i] = row[i] / norm }
        }
        return x
    }

    static let (m, n, k) = (29, 75, 103)  // 2 tiles of 12 + 5 rows; 3 panels, the last of 11; k not a multiple of 4

    @Test func quantisationRoundsToTheRowScale() {
        let x = Self.rows(Self.m, Self.k, seed: 1)
        let q = QuantizedRows(x, count: Self.m, length: Self.k)
        #expect(q.paddedLength == 104)
        for r in 0..<Self.m {
            let row = (0..<Self.k).map { Int(q.values[r * q.paddedLength + $0]) }
            #expect(row.map(abs).max() == 127)
            #expect(q.values[r * q.paddedLength + Self.k] == 0)
            #expect(Int32(row.reduce(0, +)) == q.sums[r])
            for i in 0..<Self.k { #expect(abs(Float(row[i]) * q.scales[r] - x[r * Self.k + i]) <= q.scales[r] * 0.5001) }
        }
    }

    @Test func portableKernelIsTheIntegerProduct() {
        let a = QuantizedRows(Self.rows(Self.m, Self.k, seed: 2), count: Self.m, length: Self.k)
        let bRows = Self.rows(Self.n, Self.k, seed: 3)
        let bq = QuantizedRows(bRows, count: Self.n, length: Self.k)
        let panels = Int8Panels(bq)
        var c = [Float](repeating: .nan, count: Self.m * Self.n)
        c.withUnsafeMutableBufferPointer { Int8Gemm.scores(a, rows: 0..<Self.m, panels, into: $0.baseAddress!, kernel: .portable) }
        let exact = Gemm.rowsDotRows(Self.rows(Self.m, Self.k, seed: 2), m: Self.m, bRows, n: Self.n, k: Self.k)
        var worst: Float = 0
        for i in 0..<Self.m {
            for j in 0..<Self.n {
                var dot: Int32 = 0
                for t in 0..<Self.k { dot += Int32(a.values[i * a.paddedLength + t]) * Int32(bq.values[j * bq.paddedLength + t]) }
                #expect(c[i * Self.n + j] == Float(dot) * (a.scales[i] * bq.scales[j]))
                worst = max(worst, abs(c[i * Self.n + j] - exact[i * Self.n + j]))
            }
        }
        #expect(worst < 0.02)  // int8 rounding of 103 values per row
    }

    @Test func onePassPackingEqualsQuantiseThenPack() {
        let x = Self.rows(Self.n, Self.k, seed: 4)
        let twoPass = Int8Panels(QuantizedRows(x, count: Self.n, length: Self.k))
        let onePass = x.withUnsafeBufferPointer { Int8Panels(quantizing: $0.baseAddress!, count: Self.n, length: Self.k) }
        #expect(onePass.bytes == twoPass.bytes && onePass.scales == twoPass.scales)
    }

    @Test(.enabled(if: Int8Gemm.vnniAvailable, "this CPU has no AVX-512 VNNI: only the portable kernel runs here"))
    func vnniKernelEqualsPortableBitForBit() {
        for (m, n, k) in [(Self.m, Self.n, Self.k), (1, 1, 1), (12, 32, 4), (100, 300, 3600)] {
            let a = QuantizedRows(Self.rows(m, k, seed: 5), count: m, length: k)
            let b = Int8Panels(QuantizedRows(Self.rows(n, k, seed: 6), count: n, length: k))
            var fast = [Float](repeating: .nan, count: m * n), slow = fast
            fast.withUnsafeMutableBufferPointer { Int8Gemm.scores(a, rows: 0..<m, b, into: $0.baseAddress!, kernel: .vnni) }
            slow.withUnsafeMutableBufferPointer { Int8Gemm.scores(a, rows: 0..<m, b, into: $0.baseAddress!, kernel: .portable) }
            #expect(fast == slow, "m \(m) n \(n) k \(k)")
            // a sub-range of the measured rows lands at the top of the block
            var part = [Float](repeating: .nan, count: max(0, m - 1) * n)
            if m > 1 {
                part.withUnsafeMutableBufferPointer { Int8Gemm.scores(a, rows: 1..<m, b, into: $0.baseAddress!, kernel: .vnni) }
                #expect(part == Array(slow[n...]))
            }
        }
    }
}
