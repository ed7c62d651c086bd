import Foundation
import EBSDCore
import Crystallography

/// Chooses between phases whose band geometry is alike by the widths of the
/// bands. A Kikuchi band of plane spacing d is 2θ_B wide (sin θ_B = λ / 2d):
/// in the gnomonic projection a band whose centre line lies at distance ρ from
/// the pattern centre spans tan(atan ρ ± θ_B), i.e. ≈ 2θ_B (1 + ρ²). For each
/// phase's solution, every detected band is matched with the phase's
/// reflectors along its normal, and the Radon profile across the band is
/// correlated with the kinematical profile they predict: one top-hat of width
/// 2θ_B per order, weighted by |F|², with soft edges for the detector's
/// point-spread. The right phase predicts the profiles that fit. This separates, e.g., bcc Na from antifluorite Na2O, whose
/// strongest bands ({220}, {400}, {422}) run exactly along Na's {110}, {200},
/// {211} but are 1.55 times wider.
public struct BandWidthCheck: Sendable {
    /// Per phase: band directions (unit plane normals in the crystal frame, one per ±g),
    /// strongest first, each with the orders along it: Bragg angle and kinematical weight |F|².
    let reflectors: [[(normal: Vector3, orders: [(braggAngle: Double, weight: Double)])]]
    public var angularTolerance = 1.5 * Double.pi / 180

    public init(phases: [Phase], voltageKV: Double, minimumD: Double = 0.1, minimumRelativeF: Double = 0.1) {
        reflectors = phases.map { phase in
            let fams = phase.reflectorFamilies(minimumD: minimumD)
            let fmax = fams.map(\.structureFactor).max() ?? 0
            var out: [(normal: Vector3, orders: [(braggAngle: Double, weight: Double)])] = []
            for f in fams.filter({ $0.structureFactor >= minimumRelativeF * fmax }).sorted(by: { $0.structureFactor > $1.structureFactor })
            {
                let weight = f.structureFactor * f.structureFactor / (fmax * fmax)
                let order = (braggAngle: f.braggAngle(voltage: voltageKV * 1000), weight: weight)
                for m in f.members {
                    let n = phase.lattice.reciprocalVector(Double(m[0]), Double(m[1]), Double(m[2])).unit
                    if let i = out.firstIndex(where: { abs($0.normal.dot(n)) > 1 - 1e-9 }) {
                        if !out[i].orders.contains(where: { abs($0.braggAngle - order.braggAngle) < 1e-12 }) { out[i].orders.append(order) }
                    } else {
                        out.append((n, [order]))
                    }
                }
            }
            return out
        }
    }

    /// Mean normalised cross-correlation between the Radon profile across each band
    /// explained by `rotation` (phase `phase`) and a top-hat of the predicted width with
    /// Gaussian edges (σ = `edgeSigma` cells, for the detector's point-spread); nil when fewer
    /// than three bands are explained. The window is the same for every phase:
    /// ±`window` × the widest band any phase predicts. `transform` is the Radon transform
    /// `[θ][ρ]` (NaN for empty cells); `normals` the bands' sample-frame normals.
    public func score(
        phase: Int, rotation: Rotation, bands: [Band], normals: [Vector3], transform: [Float], radon: RadonTransform
    ) -> Double? {
        let cosTol = cos(angularTolerance)
        let nt = radon.thetaCount, nr = radon.rhoCount
        let cell = 2 * radon.rhoMax / Double(nr)
        var sum = 0.0, used = 0
        for (b, s) in zip(bands, normals) {
            let c = rotation.apply(s)
            guard let r = reflectors[phase].first(where: { abs($0.normal.dot(c)) >= cosTol }) else { continue }
            let phi = atan(b.rho)
            let centre = (b.rho + radon.rhoMax) / cell - 0.5
            // each order's band edges, in cells from the centre line
            let edges = r.orders.map { o in ((tan(phi - o.braggAngle) - b.rho) / cell, (tan(phi + o.braggAngle) - b.rho) / cell, o.weight) }
            let w = (1 + b.rho * b.rho) * maxBraggAngle / cell * window
            var t = Int((b.theta / .pi * Double(nt)).rounded()) % nt
            if t < 0 { t += nt }
            let row = t * nr
            let r0 = max(0, Int((centre - w).rounded(.down))), r1 = min(nr - 1, Int((centre + w).rounded(.up)))
            guard r1 - r0 >= 4 else { continue }
            var xs: [Double] = [], ys: [Double] = []
            for k in r0...r1 {
                let v = transform[row + k]
                guard v.isFinite else { continue }
                let d = Double(k) - centre
                xs.append(Double(v))
                ys.append(edges.reduce(0) { $0 + $1.2 * (Self.phi((d - $1.0) / edgeSigma) - Self.phi((d - $1.1) / edgeSigma)) })
            }
            // too few samples, or a flat profile, say nothing about the width
            guard xs.count >= Self.minimumProfileSamples, Set(xs).count > 1, Set(ys).count > 1 else { continue }
            sum += PatternNormalization.ncc(xs, ys)
            used += 1
        }
        return used >= 3 ? sum / Double(used) : nil
    }

    var maxBraggAngle: Double { reflectors.flatMap { $0.flatMap { $0.orders.map(\.braggAngle) } }.max() ?? 0.02 }
    public var window = 2.0
    public var edgeSigma = 0.5
    /// Fewest samples across a band profile for its correlation to count.
    static let minimumProfileSamples = 5

    static func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.squareRoot()) }
}
