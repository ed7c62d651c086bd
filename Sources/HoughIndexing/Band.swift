import Foundation
import DetectorGeometry

/// A detected Kikuchi band: line angle θ (radians), signed gnomonic distance
/// ρ, and its strength in the enhanced Radon transform.
public struct Band: Sendable, Hashable {
    public var theta: Double
    public var rho: Double
    public var strength: Float
}

extension Band {
    /// The same detector line in the gnomonic coordinates of pattern centre `pc1` (Bruker) instead of `pc0`.
    /// A pixel (u, v) (column, row from the top-left corner, in pixels) has gnomonic coordinates
    /// x = (u − PCx·W)/(PCz·H), y = (PCy·H − v)/(PCz·H), so θ is unchanged and
    /// ρ₁ = (ρ₀·z₀H + (a₀ − a₁) cos θ − (b₀ − b₁) sin θ)/(z₁H) with a = PCx·W, b = PCy·H.
    public func seen(from pc0: PatternCenter, to pc1: PatternCenter, rows: Int, columns: Int) -> Band {
        let h = Double(rows), w = Double(columns)
        let da = (pc0.x - pc1.x) * w, db = (pc0.y - pc1.y) * h
        var b = self
        b.rho = (rho * pc0.z * h + da * cos(theta) - db * sin(theta)) / (pc1.z * h)
        return b
    }
}
