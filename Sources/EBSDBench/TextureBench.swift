import EBSDCore
import Foundation
import Crystallography
import Texture

/// Issue 17's texture figures as numbers: a {100} pole figure of 1 M orientations (poles, and the MUD density on a
/// 200 × 200 equal-area image with a 5° Gaussian), and the m-3m Mackenzie curve.
func textureCase(quick: Bool) {
    let n = quick ? 100_000 : 1_000_000
    var rng = SplitMix64(seed: 17)
    let rotations = (0..<n).map { _ in Rotation.random(using: &rng) }
    let t0 = now()
    let pf = PoleFigure(orientations: rotations, phase: .nickel, hkl: (1, 0, 0))
    let tPoles = now() - t0
    let t1 = now()
    let d = pf.density(size: 200, kernel: SphericalKernel(.gaussian, halfWidthDegrees: 5))
    let tDensity = now() - t1
    let finite = d.filter { $0.isFinite }
    let t2 = now()
    let mackenzie = MackenzieDistribution(laueGroup: .cubicHigh)
    emit([
        "case": "pole_figure_density_\(n)", "orientations": n, "poles_seconds": tPoles, "density_seconds": tDensity,
        "seconds": tPoles + tDensity, "mud_min": finite.min() ?? 0, "mud_max": finite.max() ?? 0, "threads": cores,
        "mackenzie_m3m_seconds": now() - t2, "mackenzie_mode_deg": mackenzie.modeDegrees, "mackenzie_max_deg": mackenzie.maximumDegrees,
    ])
}
