import EBSDCore
import Foundation
import Crystallography

/// The distribution of disorientation angles between randomly oriented crystals of one Laue group (Mackenzie 1958,
/// Biometrika 45, 229; Handscomb 1958): the "uncorrelated" reference curve drawn over a misorientation-angle histogram.
///
/// A uniformly random rotation has rotation angle ω with density (1 − cos ω)/π. Its disorientation angle is the
/// smallest angle among its symmetric equivalents; for two crystals of the same group the two-sided reduction
/// s₁ m s₂ has the angles of the one-sided m s (angle(s₁ m s₂) = angle(m s₂ s₁)), so
///
///   p(ω) ∝ (1 − cos ω) · A(ω),
///
/// with A(ω) the fraction of axes n for which the rotation (n, ω) is already its own disorientation: |cos(ω/2)| ≥
/// |(q s)₀| for every proper operator s. A(ω) is computed on `axisCount` axes of a Fibonacci sphere at the centre of
/// every bin — deterministic, no random sample — and p is normalised to a density per degree (Σ p·bin width = 1).
public struct MackenzieDistribution: Sendable {
    public let laueGroup: LaueGroup
    public let binWidthDegrees: Double
    /// Density per degree at the bin centres (bin i covers [i·w, (i + 1)·w)).
    public let density: [Double]

    public init(laueGroup: LaueGroup, binWidthDegrees: Double = 0.25, axisCount: Int = 20_000) {
        self.laueGroup = laueGroup
        self.binWidthDegrees = binWidthDegrees
        let bins = Int((180 / binWidthDegrees).rounded(.up))
        let axes = MackenzieDistribution.fibonacciSphere(axisCount)
        let ops = laueGroup.properOperators.map { ($0.q.a, Vector3($0.q.b, $0.q.c, $0.q.d)) }
        var fraction = [Double](repeating: 0, count: bins)
        fraction.withUnsafeMutableBufferPointer { fb in
            let f = UncheckedPointer(fb.baseAddress!)
            parallelFor(bins) { b in
                let omega = (Double(b) + 0.5) * binWidthDegrees * .pi / 180
                let c = cos(omega / 2), s = sin(omega / 2)
                var inside = 0
                let limit = abs(c) + 1e-12
                for n in axes {
                    var own = true
                    for op in ops {
                        let scalar: Double = c * op.0 - s * n.dot(op.1)
                        if abs(scalar) > limit {
                            own = false
                            break
                        }
                    }
                    if own { inside += 1 }
                }
                f.p[b] = Double(inside) / Double(axes.count)
            }
        }
        let radiansPerBin = binWidthDegrees * Double.pi / 180
        var p = [Double](repeating: 0, count: bins)
        for b in 0..<bins {
            let omega = (Double(b) + 0.5) * radiansPerBin
            p[b] = (1 - cos(omega)) * fraction[b]
        }
        let total = p.reduce(0, +) * binWidthDegrees
        p = p.map { $0 / total }
        density = p
    }

    /// The density per degree at `degrees` (the bin's value; 0 outside [0°, 180°]).
    public func value(atDegrees degrees: Double) -> Double {
        let b = Int(degrees / binWidthDegrees)
        return b >= 0 && b < density.count ? density[b] : 0
    }

    /// The most probable disorientation angle (bin centre, degrees).
    public var modeDegrees: Double {
        (Double(density.indices.max { density[$0] < density[$1] } ?? 0) + 0.5) * binWidthDegrees
    }

    /// The largest disorientation angle (upper edge of the last bin with density, degrees).
    public var maximumDegrees: Double { Double((density.lastIndex { $0 > 0 } ?? 0) + 1) * binWidthDegrees }

    /// `n` nearly uniform unit vectors (Fibonacci lattice).
    static func fibonacciSphere(_ n: Int) -> [Vector3] {
        let golden = Double.pi * (3 - 5.0.squareRoot())
        return (0..<n).map { i in
            let z = 1 - (Double(i) + 0.5) * 2 / Double(n)
            let r = (1 - z * z).squareRoot()
            let phi = Double(i) * golden
            return Vector3(r * cos(phi), r * sin(phi), z)
        }
    }
}
