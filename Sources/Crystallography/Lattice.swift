import Foundation

/// A crystal lattice: edge lengths in nanometres, angles in radians.
///
/// Cartesian crystal frame (as EMsoft, orix/diffpy): x ∥ a, z ∥ c*; for
/// hexagonal and trigonal cells this is x ∥ a1, z ∥ c. The direct structure
/// matrix `A` has the cell vectors a, b, c as its columns; reciprocal
/// vectors are `g = B (h, k, l)` with `B = (A⁻¹)ᵀ` (no 2π), so `d = 1/|g|`.
public struct Lattice: Hashable, Sendable, Codable {
    public var a: Double, b: Double, c: Double
    public var alpha: Double, beta: Double, gamma: Double

    public init(a: Double, b: Double, c: Double, alpha: Double, beta: Double, gamma: Double) {
        self.a = a
        self.b = b
        self.c = c
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
    }
    /// Cubic cell of edge `a` (nm).
    public static func cubic(_ a: Double) -> Lattice { Lattice(a: a, b: a, c: a, alpha: .pi / 2, beta: .pi / 2, gamma: .pi / 2) }
    /// Hexagonal cell (nm).
    public static func hexagonal(a: Double, c: Double) -> Lattice {
        Lattice(a: a, b: a, c: c, alpha: .pi / 2, beta: .pi / 2, gamma: 2 * .pi / 3)
    }
    /// Cell from lengths in ångström and angles in degrees (as in .ang/.ctf headers).
    public static func angstromDegrees(_ a: Double, _ b: Double, _ c: Double, _ al: Double, _ be: Double, _ ga: Double) -> Lattice {
        Lattice(a: a / 10, b: b / 10, c: c / 10, alpha: al * .pi / 180, beta: be * .pi / 180, gamma: ga * .pi / 180)
    }

    /// Cell volume (nm³).
    public var volume: Double {
        let ca = cos(alpha), cb = cos(beta), cg = cos(gamma)
        return a * b * c * (1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg).squareRoot()
    }

    /// Direct structure matrix, row-major; columns are a, b, c in the Cartesian frame.
    public var directMatrix: [Double] {
        let ca = cos(alpha), cb = cos(beta), cg = cos(gamma), sg = sin(gamma)
        return [
            a, b * cg, c * cb,
            0, b * sg, c * (ca - cb * cg) / sg,
            0, 0, volume / (a * b * sg),
        ]
    }

    /// Reciprocal structure matrix `B = (A⁻¹)ᵀ`, row-major; columns are a*, b*, c* (nm⁻¹).
    public var reciprocalMatrix: [Double] {
        let m = directMatrix
        // inverse of upper-triangular A, then transpose
        let a11 = m[0], a12 = m[1], a13 = m[2], a22 = m[4], a23 = m[5], a33 = m[8]
        let i11 = 1 / a11, i22 = 1 / a22, i33 = 1 / a33
        let i12 = -a12 / (a11 * a22)
        let i23 = -a23 / (a22 * a33)
        let i13 = (a12 * a23 - a13 * a22) / (a11 * a22 * a33)
        // inv = [[i11, i12, i13], [0, i22, i23], [0, 0, i33]]; B = invᵀ
        return [i11, 0, 0, i12, i22, 0, i13, i23, i33]
    }

    /// Cartesian reciprocal vector of (h, k, l), nm⁻¹.
    public func reciprocalVector(_ h: Double, _ k: Double, _ l: Double) -> Vector3 {
        let B = reciprocalMatrix
        return Vector3(B[0] * h + B[1] * k + B[2] * l, B[3] * h + B[4] * k + B[5] * l, B[6] * h + B[7] * k + B[8] * l)
    }

    /// Cartesian direction of the lattice vector [u v w] (nm).
    public func directVector(_ u: Double, _ v: Double, _ w: Double) -> Vector3 {
        let A = directMatrix
        return Vector3(A[0] * u + A[1] * v + A[2] * w, A[3] * u + A[4] * v + A[5] * w, A[6] * u + A[7] * v + A[8] * w)
    }

    /// Miller indices of a Cartesian reciprocal vector (`Aᵀ g`).
    public func millerIndices(of g: Vector3) -> Vector3 {
        let A = directMatrix
        return Vector3(A[0] * g.x + A[3] * g.y + A[6] * g.z, A[1] * g.x + A[4] * g.y + A[7] * g.z, A[2] * g.x + A[5] * g.y + A[8] * g.z)
    }

    /// Interplanar spacing d(hkl) in nm.
    public func dSpacing(_ h: Int, _ k: Int, _ l: Int) -> Double {
        1 / reciprocalVector(Double(h), Double(k), Double(l)).norm
    }
}
