import CBLAS

/// Eigenvalues and right eigenvectors of a general complex n × n matrix through LAPACK `zgeev` (OpenBLAS), and the
/// solution of C x = b for those eigenvectors through `zgesv`: the non-Hermitian eigenproblem of a structure matrix
/// with absorption. Complex numbers interleaved (re, im), matrices column-major. A workspace keeps its buffers between
/// calls (one per thread), so repeated solves do not allocate.
public struct ComplexEigen {
    /// Eigenvalues (n complex) and eigenvectors (column j = vector j; n × n complex) of the last ``solve(_:n:)``.
    public private(set) var values: [Double] = [], vectors: [Double] = []
    var lu: [Double] = [], work: [Double] = [], rwork: [Double] = [], pivots: [Int32] = []
    /// Workspace per matrix order: LAPACK's recommended size is about (1 + block size) · n.
    static let workPerOrder = 66

    public init() {}

    /// Solves the eigenproblem of `matrix` (column-major, interleaved; overwritten). Returns LAPACK's info (0 = success).
    public mutating func solve(_ matrix: inout [Double], n: Int) -> Int32 {
        let lwork = Self.workPerOrder * n
        Self.ensure(&vectors, 2 * n * n)
        Self.ensure(&values, 2 * n)
        Self.ensure(&work, 2 * lwork)
        Self.ensure(&rwork, 2 * n)
        var nn = Int32(n), one = Int32(1), lw = Int32(lwork), info: Int32 = 0
        var unused = [Double](repeating: 0, count: 2)
        matrix.withUnsafeMutableBufferPointer { a in
            values.withUnsafeMutableBufferPointer { w in
                vectors.withUnsafeMutableBufferPointer { v in
                    work.withUnsafeMutableBufferPointer { wk in
                        rwork.withUnsafeMutableBufferPointer { rw in
                            zgeev_(
                                "N", "V", &nn, a.baseAddress!, &nn, w.baseAddress!, &unused, &one, v.baseAddress!, &nn, wk.baseAddress!,
                                &lw, rw.baseAddress!, &info, 1, 1)
                        }
                    }
                }
            }
        }
        return info
    }

    /// Solves `vectors` · x = `rhs` (n complex, overwritten with x) for the eigenvectors of the last solve. Returns
    /// LAPACK's info (0 = success).
    public mutating func solveWithVectors(_ rhs: inout [Double], n: Int) -> Int32 {
        Self.ensure(&lu, 2 * n * n)
        if pivots.count < n { pivots = [Int32](repeating: 0, count: n) }
        for i in 0..<(2 * n * n) { lu[i] = vectors[i] }
        var nn = Int32(n), one = Int32(1), info: Int32 = 0
        lu.withUnsafeMutableBufferPointer { l in
            rhs.withUnsafeMutableBufferPointer { b in
                pivots.withUnsafeMutableBufferPointer { p in
                    zgesv_(&nn, &one, l.baseAddress!, &nn, p.baseAddress!, b.baseAddress!, &nn, &info)
                }
            }
        }
        return info
    }

    static func ensure(_ array: inout [Double], _ count: Int) {
        if array.count < count { array = [Double](repeating: 0, count: count) }
    }
}
