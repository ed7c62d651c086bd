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

extension SymmetricEigen {
    /// All eigenvalues (ascending) and eigenvectors of a symmetric n×n matrix, with
    /// workspace kept between calls (one per thread) so repeated solves do not allocate.
    public struct Workspace {
        public private(set) var capacity: Int
        var work: [Float], iwork: [Int32], isuppz: [Int32]
        public init(capacity n: Int) {
            capacity = max(1, n)
            // LAPACK's documented minima for ssyevr: lwork ≥ 26n, liwork ≥ 10n; keep the optimal size if larger.
            var lw = 26 * capacity, liw = 10 * capacity
            var jobz = CChar(UInt8(ascii: "V")), range = CChar(UInt8(ascii: "A")), uplo = CChar(UInt8(ascii: "U"))
            var nn = Int32(capacity), lda = Int32(capacity), il: Int32 = 1, iu = Int32(capacity), found: Int32 = 0, info: Int32 = 0
            var vl: Float = 0, vu: Float = 0, abstol: Float = 0, wq: Float = 0, iwq: Int32 = 0, q: Int32 = -1, qi: Int32 = -1
            var a = [Float](repeating: 0, count: 1), w = [Float](repeating: 0, count: capacity), z = [Float](repeating: 0, count: 1)
            var sup = [Int32](repeating: 0, count: 2 * capacity)
            ssyevr_(
                &jobz, &range, &uplo, &nn, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &lda, &sup, &wq, &q, &iwq, &qi, &info, 1,
                1, 1)
            if info == 0 {
                lw = max(lw, Int(wq))
                liw = max(liw, Int(iwq))
            }
            work = [Float](repeating: 0, count: lw)
            iwork = [Int32](repeating: 0, count: liw)
            isuppz = [Int32](repeating: 0, count: 2 * capacity)
        }

        /// Solves for all eigenpairs of the symmetric matrix in `a` (n×n, either storage
        /// order; `a` is overwritten). Eigenvalues go to `values` (ascending, n), eigenvectors
        /// to `vectors` as rows of length n (n×n). Returns LAPACK's info (0 = success).
        public mutating func solve(
            _ a: UnsafeMutablePointer<Float>, n: Int, values: UnsafeMutablePointer<Float>, vectors: UnsafeMutablePointer<Float>
        ) -> Int32 {
            precondition(n <= capacity, "matrix larger than the workspace")
            var jobz = CChar(UInt8(ascii: "V")), range = CChar(UInt8(ascii: "A")), uplo = CChar(UInt8(ascii: "U"))
            var nn = Int32(n), lda = Int32(n), il: Int32 = 1, iu = Int32(n), found: Int32 = 0, info: Int32 = 0
            var vl: Float = 0, vu: Float = 0, abstol: Float = 0
            var lw = Int32(work.count), liw = Int32(iwork.count), ldz = Int32(n)
            work.withUnsafeMutableBufferPointer { wk in
                iwork.withUnsafeMutableBufferPointer { iw in
                    isuppz.withUnsafeMutableBufferPointer { sp in
                        ssyevr_(
                            &jobz, &range, &uplo, &nn, a, &lda, &vl, &vu, &il, &iu, &abstol, &found, values, vectors, &ldz, sp.baseAddress!,
                            wk.baseAddress!, &lw, iw.baseAddress!, &liw, &info, 1, 1, 1)
                    }
                }
            }
            return info
        }
    }
}
