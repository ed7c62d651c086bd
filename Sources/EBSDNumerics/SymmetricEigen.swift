import CBLAS

/// Eigenvectors of symmetric matrices through LAPACK `ssyevr` (OpenBLAS).
public enum SymmetricEigen {
    /// The `count` eigenvectors of largest eigenvalue of the symmetric n×n matrix `a`
    /// (row-major; only one triangle is read), largest first, as rows of a count×n matrix,
    /// with their eigenvalues. Returns nil if LAPACK reports a failure.
    public static func largest(_ a: [Float], n: Int, count: Int) -> (vectors: [Float], values: [Float])? {
        precondition(a.count == n * n && count >= 1 && count <= n)
        var m = a
        var jobz = CChar(UInt8(ascii: "V")), range = CChar(UInt8(ascii: "I")), uplo = CChar(UInt8(ascii: "U"))
        var nn = Int32(n), lda = Int32(n), il = Int32(n - count + 1), iu = Int32(n), found: Int32 = 0, info: Int32 = 0
        var vl: Float = 0, vu: Float = 0, abstol: Float = 0
        var w = [Float](repeating: 0, count: n)
        var z = [Float](repeating: 0, count: n * count)
        var ldz = Int32(n)
        var isuppz = [Int32](repeating: 0, count: 2 * count)
        var lwork: Int32 = -1, liwork: Int32 = -1
        var wq: Float = 0, iwq: Int32 = 0
        // workspace query, then the solve (column-major = the transpose, the same symmetric matrix)
        ssyevr_(
            &jobz, &range, &uplo, &nn, &m, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz, &isuppz, &wq, &lwork, &iwq, &liwork,
            &info, 1, 1, 1)
        guard info == 0 else { return nil }
        lwork = Int32(wq)
        liwork = iwq
        var work = [Float](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        ssyevr_(
            &jobz, &range, &uplo, &nn, &m, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz, &isuppz, &work, &lwork, &iwork, &liwork,
            &info, 1, 1, 1)
        guard info == 0, Int(found) == count else { return nil }
        // z holds the eigenvectors as columns (column-major n×count) = rows of length n; ascending order
        var vectors = [Float](repeating: 0, count: count * n), values = [Float](repeating: 0, count: count)
        for j in 0..<count {
            let src = count - 1 - j
            values[j] = w[src]
            for i in 0..<n { vectors[j * n + i] = z[src * n + i] }
        }
        return (vectors, values)
    }
}
