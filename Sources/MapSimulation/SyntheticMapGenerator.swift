import Foundation
import Crystallography
import CrystalMaps
import EBSDCore

/// Synthetic grain maps made by the project itself, for the demo, tests and the big-map benchmark: Voronoi grains
/// (optionally elongated, like columnar electrodeposits) with uniformly random orientations, a small random
/// orientation spread at each pixel, optionally an orientation gradient across each grain, Σ3 twin lamellae and
/// wild (randomly oriented) pixels, and a fraction of not-indexed pixels (zero solutions).
///
/// Orientations are passive (sample → crystal). The nearest grain seeds are found through a bucket grid, so a
/// 4000 × 4000 map with 40 000 grains takes seconds; the map is the same as a brute-force search gives.
public struct SyntheticMapGenerator: Sendable {
    public var rows = 120
    public var columns = 160
    public var step = 1.0  // µm
    public var grains = 60
    /// Grain shape: seeds are stretched along y by this factor (1 = equiaxed).
    public var elongationY = 1.0
    public var spreadDegrees = 0.5
    public var zeroSolutionFraction = 0.03
    /// Orientation gradient inside each grain, degrees per pixel away from its seed, about a random axis per grain
    /// (0: none). Capped at ``maximumGradientDegrees`` from the grain's orientation.
    public var gradientDegreesPerPixel = 0.0
    /// Share of grains (0…1) that hold a Σ3 twin lamella (60° about <111>) through their seed.
    public var twinFraction = 0.0
    /// Share of pixels (0…1) given a uniformly random orientation (wild spikes).
    public var noiseFraction = 0.0
    public var phase = Phase.sodium
    public var seed: UInt64 = 2024

    /// The largest rotation an orientation gradient reaches inside a grain.
    public static let maximumGradientDegrees = 5.0
    /// Width of a twin lamella as a share of the mean grain diameter.
    public static let twinWidthShare = 0.15

    public init() {}

    public func make() -> CrystalMap {
        var rng = SplitMix64(seed: seed)
        let grid = MapGrid(rows: rows, columns: columns, stepX: step, stepY: step)
        var seeds: [(Double, Double)] = []
        var oris: [Rotation] = []
        for _ in 0..<grains {
            seeds.append((Double.random(in: 0..<Double(columns), using: &rng), Double.random(in: 0..<Double(rows), using: &rng)))
            oris.append(Rotation.random(using: &rng))
        }
        let features = grainFeatures()
        let finder = SeedBuckets(seeds: seeds, elongationY: elongationY, width: Double(columns), height: Double(rows))
        var phaseIndex = [Int32](repeating: 0, count: grid.count)
        var rotations = [Rotation](repeating: .identity, count: grid.count)
        var ci = [Float](repeating: 0, count: grid.count)
        var iq = [Float](repeating: 0, count: grid.count)
        let spread = spreadDegrees * .pi / 180
        for r in 0..<rows {
            for c in 0..<columns {
                let (best, bestD, second) = finder.nearestTwo(x: Double(c), y: Double(r))
                let i = grid.index(row: r, column: c)
                let axis = Vector3(
                    Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng))
                let grain = features.map { $0.orientation(of: best, base: oris[best], x: Double(c) - seeds[best].0,
                                                              y: Double(r) - seeds[best].1) } ?? oris[best]
                rotations[i] = Rotation(axis: axis, angle: Double.random(in: 0...spread, using: &rng)) * grain
                // Pattern quality drops near grain boundaries.
                let edge = min(1, (second.squareRoot() - bestD.squareRoot()) / 3)
                iq[i] = Float(40 + 40 * edge + Double.random(in: -3...3, using: &rng))
                ci[i] = Float(max(0.05, min(1, 0.3 + 0.6 * edge + Double.random(in: -0.1...0.1, using: &rng))))
                if Double.random(in: 0..<1, using: &rng) < zeroSolutionFraction * (2 - edge) {
                    phaseIndex[i] = -1
                    ci[i] = -1
                } else if noiseFraction > 0, Double.random(in: 0..<1, using: &rng) < noiseFraction {
                    rotations[i] = Rotation.random(using: &rng)
                    ci[i] = 0.05
                }
            }
        }
        return CrystalMap(
            grid: grid, phases: [MapPhase(id: 1, phase: phase)], phaseIndex: phaseIndex, rotations: rotations,
            properties: [MapProperty.confidenceIndex: ci, MapProperty.imageQuality: iq],
            metadata: ["operator": "SwiftEBSD synthetic map", "sampleid": "synthetic \(phase.name) deposit, seed \(seed)"])
    }

    /// Per-grain gradient axes and twin lamellae, drawn from their own random stream (so a map without them is the
    /// same as before they existed); nil when the map has neither.
    private func grainFeatures() -> GrainFeatures? {
        guard gradientDegreesPerPixel > 0 || twinFraction > 0 else { return nil }
        var rng = SplitMix64(seed: seed ^ 0x7477_696E_7321)
        let meanDiameter = (Double(rows * columns) / Double(max(grains, 1))).squareRoot()
        var features = GrainFeatures(
            gradient: gradientDegreesPerPixel * .pi / 180, cap: Self.maximumGradientDegrees * .pi / 180,
            halfWidth: Self.twinWidthShare * meanDiameter / 2, twin: PseudoSymmetryOperator.cubicSigma3.rotation)
        for _ in 0..<grains {
            let a = Vector3(Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng),
                            Double.random(in: -1...1, using: &rng))
            features.axes.append(a.norm > 1e-9 ? a : Vector3(0, 0, 1))
            let t = Double.random(in: 0..<(2 * .pi), using: &rng)
            features.lamellaNormals.append(Double.random(in: 0..<1, using: &rng) < twinFraction ? (cos(t), sin(t)) : nil)
        }
        return features
    }
}

/// The per-grain orientation gradient and twin lamella of ``SyntheticMapGenerator``.
private struct GrainFeatures {
    let gradient: Double
    let cap: Double
    let halfWidth: Double
    let twin: Rotation
    var axes: [Vector3] = []
    var lamellaNormals: [(Double, Double)?] = []

    init(gradient: Double, cap: Double, halfWidth: Double, twin: Rotation) {
        self.gradient = gradient
        self.cap = cap
        self.halfWidth = halfWidth
        self.twin = twin
    }

    /// The orientation at offset (x, y) pixels from grain `k`'s seed.
    func orientation(of k: Int, base: Rotation, x: Double, y: Double) -> Rotation {
        var g = base
        if gradient > 0 {
            g = Rotation(axis: axes[k], angle: min(cap, gradient * (x * x + y * y).squareRoot())) * g
        }
        if let n = lamellaNormals[k], abs(x * n.0 + y * n.1) < halfWidth { g = twin * g }
        return g
    }
}

/// Grain seeds in square buckets (in the frame where y is divided by the elongation), for the nearest and
/// second-nearest seed of a pixel without scanning every seed.
private struct SeedBuckets {
    let seeds: [(Double, Double)]
    let elongationY: Double
    let cell: Double
    let nx: Int
    let ny: Int
    let buckets: [[Int]]

    init(seeds: [(Double, Double)], elongationY: Double, width: Double, height: Double) {
        self.seeds = seeds
        self.elongationY = elongationY
        let h = height / elongationY
        let cell = max((width * h / Double(max(seeds.count, 1))).squareRoot(), 1e-6)
        self.cell = cell
        nx = max(1, Int((width / cell).rounded(.up)))
        ny = max(1, Int((h / cell).rounded(.up)))
        var b = [[Int]](repeating: [], count: nx * ny)
        for (k, s) in seeds.enumerated() {
            let bx = min(nx - 1, max(0, Int(s.0 / cell))), by = min(ny - 1, max(0, Int(s.1 / elongationY / cell)))
            b[by * nx + bx].append(k)
        }
        buckets = b
    }

    /// The nearest seed and the squared (scaled) distances to it and to the second-nearest; ties go to the lower
    /// seed number, as a scan in seed order gives.
    func nearestTwo(x: Double, y: Double) -> (Int, Double, Double) {
        let sy = y / elongationY
        let bx = min(nx - 1, max(0, Int(x / cell))), by = min(ny - 1, max(0, Int(sy / cell)))
        var best = -1, bestD = Double.infinity, second = Double.infinity
        var ring = 0
        while true {
            for gy in (by - ring)...(by + ring) where gy >= 0 && gy < ny {
                let edgeRow = gy == by - ring || gy == by + ring
                var gx = bx - ring
                while gx <= bx + ring {
                    if gx >= 0 && gx < nx {
                        for k in buckets[gy * nx + gx] {
                            let dx = x - seeds[k].0, dy = (y - seeds[k].1) / elongationY
                            let d = dx * dx + dy * dy
                            if d < bestD || (d == bestD && k < best) {
                                second = bestD
                                bestD = d
                                best = k
                            } else if d < second {
                                second = d
                            }
                        }
                    }
                    gx += edgeRow || ring == 0 ? 1 : 2 * ring
                }
            }
            // Seeds outside the rings searched are at least `ring · cell` away.
            let reach = Double(ring) * cell
            if (second.isFinite && reach * reach >= second) || ring > nx + ny { break }
            ring += 1
        }
        return (best, bestD, second)
    }
}
