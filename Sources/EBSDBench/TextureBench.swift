import EBSDCore
import Foundation
import Crystallography
import Texture
import Figures
import CrystalMaps
import Grains

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
    let tMackenzie = now() - t2
    // the figures: {100}, {110}, {111} of the 1 M orientations, 180 mm, as PNG (300 dpi) and PDF
    var figureRecord: [String: Any] = [:]
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
        "texture-bench-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    for ext in ["png", "pdf"] {
        let path = scratch.appendingPathComponent("pf.\(ext)").path
        let t = now()
        let families = [(1, 0, 0), (1, 1, 0), (1, 1, 1)].map { f in
            ("{\(f.0)\(f.1)\(f.2)}", PoleFigure(orientations: rotations, phase: .nickel, hkl: f))
        }
        let plot = PoleFigurePlot(
            figures: families, projection: .equalArea, kernel: SphericalKernel(.gaussian, halfWidthDegrees: 5), scatter: false)
        if (try? plot.write(to: path, widthMM: 180)) != nil {
            figureRecord["pole_figures_3x\(n)_\(ext)_seconds"] = now() - t
            figureRecord["pole_figures_\(ext)_bytes"] = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
    }
    // misorientation distribution of a 1000 × 1000 map (10 × 10-pixel grains of random orientations)
    let side = quick ? 200 : 1000, grainsPerSide = side / 10
    let grainRotations = (0..<(grainsPerSide * grainsPerSide)).map { _ in Rotation.random(using: &rng) }
    var mapRotations = [Rotation](repeating: .identity, count: side * side)
    for r in 0..<side { for c in 0..<side { mapRotations[r * side + c] = grainRotations[(r / 10) * grainsPerSide + c / 10] } }
    let map = CrystalMap(
        grid: MapGrid(rows: side, columns: side, stepX: 1, stepY: 1), phases: [MapPhase(id: 1, phase: .nickel)],
        phaseIndex: [Int32](repeating: 0, count: side * side), rotations: mapRotations, properties: [:])
    for ext in ["png", "pdf"] {
        let path = scratch.appendingPathComponent("mdf.\(ext)").path
        let t = now()
        let plot = MisorientationPlot(
            correlated: .correlated(map, phase: 0), uncorrelated: .uncorrelated(map, phase: 0), mackenzie: mackenzie, title: "MDF")
        if (try? plot.write(to: path)) != nil {
            figureRecord["mdf_\(side)x\(side)_\(ext)_seconds"] = now() - t
            figureRecord["mdf_\(ext)_bytes"] = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
    }
    // the IPF map figure of the same map with HAGB/LAGB boundaries, 180 mm wide
    let boundaries = BoundaryMap(map)
    for ext in ["png", "pdf"] {
        let path = scratch.appendingPathComponent("ipf.\(ext)").path
        let t = now()
        var figure = MapFigure(map: map, layer: .ipf(Vector3(0, 0, 1)))
        figure.boundaries = boundaries
        if (try? figure.write(to: path, widthMM: 180)) != nil {
            figureRecord["ipf_map_\(side)x\(side)_\(ext)_seconds"] = now() - t
            figureRecord["ipf_map_\(ext)_bytes"] = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
    }
    var rec: [String: Any] = [
        "case": "pole_figure_density_\(n)", "orientations": n, "poles_seconds": tPoles, "density_seconds": tDensity,
        "seconds": tPoles + tDensity, "mud_min": finite.min() ?? 0, "mud_max": finite.max() ?? 0, "threads": cores,
        "mackenzie_m3m_seconds": tMackenzie, "mackenzie_mode_deg": mackenzie.modeDegrees, "mackenzie_max_deg": mackenzie.maximumDegrees,
    ]
    for (k, v) in figureRecord { rec[k] = v }
    emit(rec)
}
