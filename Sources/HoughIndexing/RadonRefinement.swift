import Foundation
import Crystallography
import DetectorGeometry
import EBSDNumerics

/// Refines a Hough solution on the band-enhanced Radon transform itself: the
/// orientation (a small rotation vector applied to the solution, Nelder–Mead)
/// that maximises the sum of the enhanced transform, interpolated (cubic),
/// at the predicted (θ, ρ) of every band of the phase's reflector library
/// that crosses the inner 85 % of the detector circle — typically 20–40
/// bands rather than the 6–11 detected peaks, and without the peak picking's
/// cell quantisation. The same frames as ``HoughIndexer/bandNormals(_:)``: a
/// crystal plane normal c lies along the sample-frame normal g⁻¹c, whose
/// detector-frame components are ∝ (cos θ, sin θ, −ρ).
public struct RadonRefinement: Sendable {
    public let radon: RadonTransform
    let axes: [Vector3]
    public var optimizer = NelderMead(tolerance: 1e-4, maxIterations: 200)
    /// Initial simplex (radians).
    public var step = 0.3 * Double.pi / 180
    /// Bands whose |ρ| exceeds this fraction of ρmax are left out (cut by the detector edge).
    public var rhoFraction = 0.85

    public init(radon: RadonTransform) {
        self.radon = radon
        axes = radon.detector.sampleToDetector
    }

    /// Fractional Radon cell (t, r) of a crystal normal for orientation g, or nil near the edge; with `pc`, the band
    /// as seen from that pattern centre, placed in this transform (made with the detector's first PC).
    @inline(__always) func cell(_ c: Vector3, _ g: Rotation, pc: PatternCenter? = nil) -> (Double, Double)? {
        let n = g.inverse.apply(c)
        let a = axes[0].dot(n), b = axes[1].dot(n), z = axes[2].dot(n)
        let s = (a * a + b * b).squareRoot()
        guard s > 1e-9 else { return nil }
        var theta = atan2(b, a), rho = -z / s
        if theta < 0 {
            theta += .pi
            rho = -rho
        }
        if theta >= .pi {
            theta -= .pi
            rho = -rho
        }
        if let pc {
            let d = radon.detector
            rho = Band(theta: theta, rho: rho, strength: 0).seen(from: pc, to: d.pc(), rows: d.rows, columns: d.columns).rho
        }
        guard abs(rho) <= rhoFraction * radon.rhoMax else { return nil }
        return (theta / .pi * Double(radon.thetaCount), (rho + radon.rhoMax) / (2 * radon.rhoMax) * Double(radon.rhoCount) - 0.5)
    }

    /// Value of the enhanced transform at fractional (t, r) by Catmull–Rom (cubic) interpolation over
    /// the 4 × 4 neighbouring cells — smooth, so the optimum is not locked to cell centres as with
    /// bilinear interpolation; θ wraps with ρ mirrored. nil near an edge or an empty cell.
    @inline(__always) func value(_ e: UnsafeBufferPointer<Float>, _ t: Double, _ r: Double) -> Float? {
        let nt = radon.thetaCount, nr = radon.rhoCount
        let t0 = Int(t.rounded(.down)), r0 = Int(r.rounded(.down))
        let ft = Float(t - Double(t0)), fr = Float(r - Double(r0))
        @inline(__always) func weights(_ x: Float) -> SIMD4<Float> {
            let x2 = x * x, x3 = x2 * x
            return SIMD4(-0.5 * x3 + x2 - 0.5 * x, 1.5 * x3 - 2.5 * x2 + 1, -1.5 * x3 + 2 * x2 + 0.5 * x, 0.5 * x3 - 0.5 * x2)
        }
        let wts = weights(ft), wrs = weights(fr)
        var acc: Float = 0
        for i in 0..<4 {
            var tt = t0 + i - 1, flip = false
            if tt >= nt {
                tt -= nt
                flip = true
            } else if tt < 0 {
                tt += nt
                flip = true
            }
            for j in 0..<4 {
                var rr = r0 + j - 1
                if flip { rr = nr - 1 - rr }
                guard rr >= 0, rr < nr else { return nil }
                let v = e[tt * nr + rr]
                guard v.isFinite else { return nil }
                acc += wts[i] * wrs[j] * v
            }
        }
        return acc
    }

    /// The refined orientation, or the start when fewer than 4 bands qualify.
    public func refine(enhanced: [Float], start: Rotation, crystalNormals: [Vector3]) -> Rotation {
        refine(enhanced: enhanced, start: start, crystalNormals: crystalNormals, pc: nil).rotation
    }

    /// The refined orientation with the pattern seen from `pc` (nil: the transform's own PC), and its score: the
    /// mean enhanced value over the library bands used (nil when fewer than 4 bands qualify).
    public func refine(enhanced: [Float], start: Rotation, crystalNormals: [Vector3], pc: PatternCenter?)
        -> (rotation: Rotation, score: Double?)
    {
        enhanced.withUnsafeBufferPointer { e in
            let used = usable(e, start, crystalNormals, pc: pc)
            guard used.count >= Self.minimumBands else { return (start, nil) }
            func objective(_ x: [Double]) -> Double {
                -sum(e, Rotation(rotationVector: Vector3(x[0], x[1], x[2])) * start, used, pc: pc)
            }
            let r = optimizer.minimize(objective, start: [0, 0, 0], step: [step, step, step])
            let n = Double(used.count)
            return r.value < objective([0, 0, 0])
                ? (Rotation(rotationVector: Vector3(r.x[0], r.x[1], r.x[2])) * start, -r.value / n) : (start, -objective([0, 0, 0]) / n)
        }
    }

    /// The score of orientation `rotation` as ``refine(enhanced:start:crystalNormals:pc:)`` reports it, without
    /// refining (nil when fewer than 4 bands qualify).
    public func score(enhanced: [Float], rotation: Rotation, crystalNormals: [Vector3], pc: PatternCenter?) -> Double? {
        enhanced.withUnsafeBufferPointer { e in
            let used = usable(e, rotation, crystalNormals, pc: pc)
            return used.count >= Self.minimumBands ? sum(e, rotation, used, pc: pc) / Double(used.count) : nil
        }
    }

    /// How far the bands stand out in an enhanced transform: a ``score(enhanced:rotation:crystalNormals:pc:)`` over
    /// the standard deviation of the transform's finite cells — comparable between transforms of different kernels.
    public static func contrast(enhanced: [Float], score: Double) -> Double {
        var n = 0, sum: Float = 0
        for v in enhanced where v.isFinite {
            n += 1
            sum += v
        }
        guard n > 1 else { return 0 }
        let mean = sum / Float(n)
        var squares: Float = 0
        for v in enhanced where v.isFinite { squares += (v - mean) * (v - mean) }
        return squares > 0 ? score / Double(squares / Float(n)).squareRoot() : 0
    }

    /// Bands needed for a refinement or a score.
    static let minimumBands = 4

    /// The crystal normals whose bands fall inside the transform (and its inner ``rhoFraction``) for orientation g.
    func usable(_ e: UnsafeBufferPointer<Float>, _ g: Rotation, _ normals: [Vector3], pc: PatternCenter?) -> [Vector3] {
        normals.filter { c in cell(c, g, pc: pc).flatMap { value(e, $0.0, $0.1) } != nil }
    }

    @inline(__always) func sum(_ e: UnsafeBufferPointer<Float>, _ g: Rotation, _ normals: [Vector3], pc: PatternCenter?) -> Double {
        var s: Float = 0
        for c in normals { if let p = cell(c, g, pc: pc), let v = value(e, p.0, p.1) { s += v } }
        return Double(s)
    }
}
