import Foundation

/// The equal-volume map between the cubochoric cube (edge π^(2/3)) and the
/// homochoric ball (radius (3π/4)^(1/3)) of Roşca, Morawiec & De Graef,
/// MSMSE 22 (2014) 075013. The cube is split into six pyramids with apex at
/// the origin; each is mapped through a curved square and an inverse
/// Lambert azimuthal projection onto a spherical sector of the ball.
public enum Cubochoric {
    /// Half edge of the cube, π^(2/3)/2.
    public static let semiEdge = pow(Double.pi, 2.0 / 3.0) / 2
    /// Radius of the homochoric ball, (3π/4)^(1/3).
    public static let ballRadius = cbrt(0.75 * Double.pi)

    static let sc = pow(Double.pi / 6, 1.0 / 6.0)  // cube → cube of the ball's volume
    static let beta = pow(Double.pi, 5.0 / 6.0) / pow(6.0, 1.0 / 6.0) / 2
    static let r2 = 2.0.squareRoot()
    static let pi12 = Double.pi / 12
    static let prek = ballRadius * pow(2.0, 0.25) / beta
    static let sqrt6overPi = (6.0 / Double.pi).squareRoot()

    /// Pyramid of a point: 1/2 = ±z dominant, 3/4 = ±x, 5/6 = ±y.
    @inlinable static func pyramid(_ v: Vector3) -> Int {
        let ax = abs(v.x), ay = abs(v.y), az = abs(v.z)
        if ax <= v.z && ay <= v.z { return 1 }
        if ax <= -v.z && ay <= -v.z { return 2 }
        if az <= v.x && ay <= v.x { return 3 }
        if az <= -v.x && ay <= -v.x { return 4 }
        if ax <= v.y && az <= v.y { return 5 }
        return 6
    }
    /// Brings a point of pyramid p into the ±z pyramid (cyclic shifts).
    @inlinable static func toZ(_ v: Vector3, _ p: Int) -> Vector3 {
        switch p {
        case 3, 4: return Vector3(v.y, v.z, v.x)
        case 5, 6: return Vector3(v.z, v.x, v.y)
        default: return v
        }
    }
    @inlinable static func fromZ(_ v: Vector3, _ p: Int) -> Vector3 {
        switch p {
        case 3, 4: return Vector3(v.z, v.x, v.y)
        case 5, 6: return Vector3(v.y, v.z, v.x)
        default: return v
        }
    }

    /// Cube → ball. Points outside the cube are clamped to its surface.
    public static func cubeToBall(_ c: Vector3) -> Vector3 {
        let cc = Vector3(max(-semiEdge, min(semiEdge, c.x)), max(-semiEdge, min(semiEdge, c.y)), max(-semiEdge, min(semiEdge, c.z)))
        if cc.x == 0 && cc.y == 0 && cc.z == 0 { return .zero }
        let p = pyramid(cc)
        let xyz = toZ(cc, p) * sc
        var t1 = 0.0, t2 = 0.0
        if abs(xyz.y) <= abs(xyz.x) {
            if xyz.x != 0 {
                let ang = pi12 * xyz.y / xyz.x
                let c = cos(ang), s = sin(ang)
                let q = prek * xyz.x / (r2 - c).squareRoot()
                t1 = (r2 * c - 1) * q
                t2 = r2 * s * q
            }
        } else {
            let ang = pi12 * xyz.x / xyz.y
            let c = cos(ang), s = sin(ang)
            let q = prek * xyz.y / (r2 - c).squareRoot()
            t1 = r2 * s * q
            t2 = (r2 * c - 1) * q
        }
        let rho2 = t1 * t1 + t2 * t2
        let s = Double.pi * rho2 / (24 * xyz.z * xyz.z)
        let cz = Double.pi.squareRoot() * rho2 / 24.0.squareRoot() / xyz.z
        let qq = max(0, 1 - s).squareRoot()
        let lam = Vector3(t1 * qq, t2 * qq, sqrt6overPi * xyz.z - cz)
        return fromZ(lam, p)
    }

    /// Ball → cube. Points outside the ball are scaled onto its surface.
    public static func ballToCube(_ h: Vector3) -> Vector3 {
        var v = h
        var rs = v.norm
        if rs == 0 { return .zero }
        if rs > ballRadius {
            v *= ballRadius / rs
            rs = ballRadius
        }
        let p = pyramid(v)
        let xyz = toZ(v, p)
        // inverse M3: sphere of radius rs → Lambert disk
        let xyz3 = xyz * (2 * rs / (rs + abs(xyz.z))).squareRoot()
        // inverse M2: disk → square
        let qxy = xyz3.x * xyz3.x + xyz3.y * xyz3.y
        let sx: Double = xyz3.x < 0 ? -1 : 1
        let sy: Double = xyz3.y < 0 ? -1 : 1
        var t1 = 0.0, t2 = 0.0
        if qxy != 0 {
            if abs(xyz3.y) <= abs(xyz3.x) {
                let q2xy = qxy + xyz3.x * xyz3.x
                let sq2xy = q2xy.squareRoot()
                let q = (beta / r2 / ballRadius) * (q2xy * qxy / (q2xy - abs(xyz3.x) * sq2xy)).squareRoot()
                let tt = min(1, max(-1, (xyz3.y * xyz3.y + abs(xyz3.x) * sq2xy) / r2 / qxy))
                t1 = q * sx
                t2 = q * sy * acos(tt) / pi12
            } else {
                let q2xy = qxy + xyz3.y * xyz3.y
                let sq2xy = q2xy.squareRoot()
                let q = (beta / r2 / ballRadius) * (q2xy * qxy / (q2xy - abs(xyz3.y) * sq2xy)).squareRoot()
                let tt = min(1, max(-1, (xyz3.x * xyz3.x + abs(xyz3.y) * sq2xy) / r2 / qxy))
                t1 = q * sx * acos(tt) / pi12
                t2 = q * sy
            }
        }
        let zsign: Double = xyz3.z < 0 ? -1 : 1
        let cube = Vector3(t1, t2, zsign * rs / sqrt6overPi) / sc
        return fromZ(cube, p)
    }
}
