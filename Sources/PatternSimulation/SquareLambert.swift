import Foundation
import Crystallography

/// The modified square Lambert projection of EMsoft (Roşca 2010; Callahan &
/// De Graef 2013): an equal-area map of each hemisphere onto the square
/// [−1, 1]². Master patterns store one square per hemisphere; the point
/// (X, Y) sits at column `(X + 1)·(n − 1)/2` and row `(Y + 1)·(n − 1)/2` of
/// an n × n page (n odd, centre pixel = pole). North is z ≥ 0.
public enum SquareLambert {
    /// Square coordinates (X, Y) ∈ [−1, 1]² of a direction (the hemisphere is decided by the sign of z).
    @inlinable public static func square(_ v: Vector3) -> (x: Double, y: Double) {
        let w = v.unit
        let az = abs(w.z)
        if az >= 1 { return (0, 0) }
        let s = (1 - az).squareRoot()  // = sqrt(2(1−|z|)) · (√π/2) / sqrt(π/2)
        if abs(w.y) <= abs(w.x) {
            let sx: Double = w.x < 0 ? -1 : 1
            return (sx * s, sx * s * (4 / .pi) * atan(w.y / w.x))
        } else {
            let sy: Double = w.y < 0 ? -1 : 1
            return (sy * s * (4 / .pi) * atan(w.x / w.y), sy * s)
        }
    }

    /// The unit direction (northern hemisphere) of square point (X, Y).
    @inlinable public static func direction(x X: Double, y Y: Double) -> Vector3 {
        if X == 0 && Y == 0 { return Vector3(0, 0, 1) }
        let z: Double, q: Double
        if abs(Y) <= abs(X) {
            z = 1 - X * X
            q = (.pi / 4) * Y / X
            let r = X * (2 - X * X).squareRoot()
            return Vector3(r * cos(q), r * sin(q), z)
        } else {
            z = 1 - Y * Y
            q = (.pi / 4) * X / Y
            let r = Y * (2 - Y * Y).squareRoot()
            return Vector3(r * sin(q), r * cos(q), z)
        }
    }
}
