import Foundation
import Crystallography
import CrystalMaps
import EBSDCore

/// Synthetic grain maps made by the project itself, for the demo and tests:
/// Voronoi grains (optionally elongated, like columnar electrodeposits) with
/// uniformly random orientations, a small orientation spread inside each
/// grain, and a fraction of not-indexed pixels (zero solutions).
public struct SyntheticMapGenerator: Sendable {
    public var rows = 120
    public var columns = 160
    public var step = 1.0  // µm
    public var grains = 60
    /// Grain shape: seeds are stretched along y by this factor (1 = equiaxed).
    public var elongationY = 1.0
    public var spreadDegrees = 0.5
    public var zeroSolutionFraction = 0.03
    public var phase = Phase.sodium
    public var seed: UInt64 = 2024

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
        var phaseIndex = [Int32](repeating: 0, count: grid.count)
        var rotations = [Rotation](repeating: .identity, count: grid.count)
        var ci = [Float](repeating: 0, count: grid.count)
        var iq = [Float](repeating: 0, count: grid.count)
        let spread = spreadDegrees * .pi / 180
        for r in 0..<rows {
            for c in 0..<columns {
                var best = 0, bestD = Double.infinity, second = Double.infinity
                for (k, s) in seeds.enumerated() {
                    let dx = Double(c) - s.0, dy = (Double(r) - s.1) / elongationY
                    let d = dx * dx + dy * dy
                    if d < bestD {
                        second = bestD
                        bestD = d
                        best = k
                    } else if d < second {
                        second = d
                    }
                }
                let i = grid.index(row: r, column: c)
                let axis = Vector3(
                    Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng))
                rotations[i] = Rotation(axis: axis, angle: Double.random(in: 0...spread, using: &rng)) * oris[best]
                // Pattern quality drops near grain boundaries.
                let edge = min(1, (second.squareRoot() - bestD.squareRoot()) / 3)
                iq[i] = Float(40 + 40 * edge + Double.random(in: -3...3, using: &rng))
                ci[i] = Float(max(0.05, min(1, 0.3 + 0.6 * edge + Double.random(in: -0.1...0.1, using: &rng))))
                if Double.random(in: 0..<1, using: &rng) < zeroSolutionFraction * (2 - edge) {
                    phaseIndex[i] = -1
                    ci[i] = -1
                }
            }
        }
        return CrystalMap(
            grid: grid, phases: [MapPhase(id: 1, phase: phase)], phaseIndex: phaseIndex, rotations: rotations,
            properties: [MapProperty.confidenceIndex: ci, MapProperty.imageQuality: iq],
            metadata: ["operator": "SwiftEBSD synthetic map", "sampleid": "synthetic \(phase.name) deposit, seed \(seed)"])
    }
}
