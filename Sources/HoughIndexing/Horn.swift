import Foundation
import Crystallography

/// Horn's (1987) closed-form absolute orientation with unit quaternions: the
/// rotation R (as ``Rotation``, so `R.apply(s) = q s q*`) minimising Σ |R sₖ − cₖ|².
public enum Horn {
    public static func rotation(from s: [Vector3], to c: [Vector3]) -> Rotation {
        var S = [[Double]](repeating: [0, 0, 0], count: 3)
        for (a, b) in zip(s, c) {
            let av = [a.x, a.y, a.z], bv = [b.x, b.y, b.z]
            for i in 0..<3 { for j in 0..<3 { S[i][j] += av[i] * bv[j] } }
        }
        let (xx, xy, xz, yx, yy, yz, zx, zy, zz) = (S[0][0], S[0][1], S[0][2], S[1][0], S[1][1], S[1][2], S[2][0], S[2][1], S[2][2])
        let N: [[Double]] = [
            [xx + yy + zz, yz - zy, zx - xz, xy - yx],
            [yz - zy, xx - yy - zz, xy + yx, zx + xz],
            [zx - xz, xy + yx, -xx + yy - zz, yz + zy],
            [xy - yx, zx + xz, yz + zy, -xx - yy + zz],
        ]
        let v = largestEigenvector(N)
        return Rotation(Quaternion(v[0], v[1], v[2], v[3]))
    }

    /// Largest-eigenvalue eigenvector of a symmetric 4 × 4 matrix (cyclic Jacobi).
    static func largestEigenvector(_ m: [[Double]]) -> [Double] {
        var a = m
        var v = (0..<4).map { i in (0..<4).map { $0 == i ? 1.0 : 0.0 } }
        for _ in 0..<50 {
            var off = 0.0
            for p in 0..<4 { for q in (p + 1)..<4 { off += a[p][q] * a[p][q] } }
            if off < 1e-24 { break }
            for p in 0..<4 {
                for q in (p + 1)..<4 where abs(a[p][q]) > 1e-300 {
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<4 {
                        let akp = a[k][p], akq = a[k][q]
                        a[k][p] = c * akp - s * akq
                        a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<4 {
                        let apk = a[p][k], aqk = a[q][k]
                        a[p][k] = c * apk - s * aqk
                        a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<4 {
                        let vkp = v[k][p], vkq = v[k][q]
                        v[k][p] = c * vkp - s * vkq
                        v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        var best = 0
        for i in 1..<4 where a[i][i] > a[best][best] { best = i }
        return (0..<4).map { v[$0][best] }
    }
}
