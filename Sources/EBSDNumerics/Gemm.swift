import CBLAS

/// Single-precision matrix products through OpenBLAS `cblas_sgemm`.
public enum Gemm {
    /// `C (m×n) = A (m×k) · Bᵀ` where B is n×k, all row-major and contiguous:
    /// every row of A dotted with every row of B (the shape of a normalised
    /// cross-correlation between two pattern sets).
    public static func rowsDotRows(
        _ a: UnsafePointer<Float>, m: Int, _ b: UnsafePointer<Float>, n: Int, k: Int, into c: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(k), 0, c, Int32(n))
    }

    /// Convenience over arrays.
    public static func rowsDotRows(_ a: [Float], m: Int, _ b: [Float], n: Int, k: Int) -> [Float] {
        precondition(a.count == m * k && b.count == n * k)
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    rowsDotRows(ap.baseAddress!, m: m, bp.baseAddress!, n: n, k: k, into: cp.baseAddress!)
                }
            }
        }
        return c
    }
}

extension Gemm {
    /// `C (k×k) = Aᵀ A` for A (m×k) row-major: the scatter matrix of the rows of A.
    public static func gram(_ a: UnsafePointer<Float>, m: Int, k: Int, into c: UnsafeMutablePointer<Float>) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(k), Int32(m), 1, a, Int32(k), a, Int32(k), 0, c, Int32(k))
    }

    /// `C (m×n) = A (m×k) · B (k×n)`, row-major.
    public static func product(
        _ a: UnsafePointer<Float>, m: Int, _ b: UnsafePointer<Float>, n: Int, k: Int, into c: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }
}

extension Gemm {
    /// The dot product of two contiguous float rows (16 lanes, then the tail).
    @inlinable public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let lanes = 16
        var acc = SIMD16<Float>()
        var i = 0
        while i + lanes <= count {
            let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
            let y = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            acc.addProduct(x, y)
            i += lanes
        }
        var s = acc.sum()
        while i < count {
            s += a[i] * b[i]
            i += 1
        }
        return s
    }
}
