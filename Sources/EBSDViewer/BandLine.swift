import Foundation
import Crystallography
import DetectorGeometry

/// A Kikuchi band's centre line on the detector, as the page draws it: end points as fractions of the pattern's width
/// (`x`, from the left) and height (`y`, from the top), the Hough parameters (θ in degrees, ρ gnomonic) and, for a
/// predicted band, its plane (hkl) and family {hkl}.
public struct BandLine: Sendable, Codable, Equatable {
    public var x0: Double, y0: Double, x1: Double, y1: Double
    public var thetaDegrees: Double
    public var rho: Double
    public var hkl: [Int]?
    public var family: String?

    /// The line x·cos θ + y·sin θ = ρ in the gnomonic coordinates of `pc` (Bruker: x right, y up, in units of the
    /// detector distance; pixel (u, v) ↦ ((u − PCx·W)/(PCz·H), (PCy·H − v)/(PCz·H))) clipped to a `rows` × `columns`
    /// screen; nil when it misses the screen.
    public init?(theta: Double, rho: Double, pc: PatternCenter, rows: Int, columns: Int) {
        let w = Double(columns), h = Double(rows)
        // pixel (u, v) on the line: (u − a)·cos θ − (v − b)·sin θ = ρ·z·h with a = PCx·w, b = PCy·h
        let a = pc.x * w, b = pc.y * h, k = rho * pc.z * h, c = cos(theta), s = sin(theta)
        var points: [(Double, Double)] = []
        if abs(s) > 1e-12 {
            for u in [0.0, w] {
                let v = b + ((u - a) * c - k) / s
                if v >= 0, v <= h { points.append((u, v)) }
            }
        }
        if abs(c) > 1e-12 {
            for v in [0.0, h] {
                let u = a + (k + (v - b) * s) / c
                if u >= 0, u <= w { points.append((u, v)) }
            }
        }
        guard let p0 = points.first,
            let p1 = points.max(by: { hypot($0.0 - p0.0, $0.1 - p0.1) < hypot($1.0 - p0.0, $1.1 - p0.1) }),
            hypot(p1.0 - p0.0, p1.1 - p0.1) > 1e-9
        else { return nil }
        x0 = p0.0 / w
        y0 = p0.1 / h
        x1 = p1.0 / w
        y1 = p1.1 / h
        thetaDegrees = theta * 180 / .pi
        self.rho = rho
    }

    /// The band of the crystal plane with unit normal `normal` (Cartesian crystal frame) for a crystal at orientation
    /// `g` (passive: g takes sample to crystal coordinates, so the sample-frame normal is g⁻¹·n) seen on `detector`
    /// with map point `pcIndex`'s pattern centre: the plane through the source point meets the screen in the line
    /// whose detector-frame normal is (cos θ, sin θ, −ρ) ∝ M·n (M = ``DetectorGeometry/Detector/sampleToDetector``).
    public init?(plane normal: Vector3, orientation g: Rotation, detector: Detector, pcIndex: Int = 0) {
        let n = g.inverse.apply(normal), m = detector.sampleToDetector
        let a = m[0].dot(n), b = m[1].dot(n), c = m[2].dot(n), s = hypot(a, b)
        guard s > 1e-12 else { return nil }
        self.init(theta: atan2(b, a), rho: -c / s, pc: detector.pc(at: pcIndex), rows: detector.rows, columns: detector.columns)
    }
}
