import Foundation
import Crystallography
import CrystalMaps
import EBSDCore

/// Synthetic cross-section of an electrodeposit (as in the reference study's
/// Li and Na anodes): columnar grains whose boundaries run perpendicular to
/// the current-collector interface (the bottom row), column widths drawn
/// log-uniformly from `widthRange` (µm), gently wavy boundaries, a few pores at
/// the interface (not indexable), plus the defects a clean-up must handle:
/// a cluster of pixels in one grain replaced by the 60°<111> pseudo-symmetric
/// variant and isolated wild spikes.
///
/// ``make()`` returns the truth (pores not indexed) and a copy "as indexed"
/// carrying the pseudo-symmetric cluster and the wild spikes, with the pixel
/// lists of each defect.
public struct ColumnarDepositGenerator: Sendable {
    public var rows = 24
    public var columns = 100
    public var step = 3.0  // µm
    public var widthRange = 10.0...150.0  // µm
    public var pores = 3
    public var poreRadius = 2.0...4.0  // pixels
    public var pseudoSymmetricPixels = 7
    public var wildSpikes = 6
    public var spreadDegrees = 0.3
    public var phase = Phase.sodium
    public var seed: UInt64 = 11

    public init() {}

    public struct Result: Sendable {
        public var truth: CrystalMap
        public var asIndexed: CrystalMap
        public var porePixels: [Int]
        public var pseudoSymmetricPixels: [Int]
        public var wildSpikePixels: [Int]
        public var grainOfPixel: [Int]
    }

    public func make() -> Result {
        var rng = SplitMix64(seed: seed)
        let grid = MapGrid(rows: rows, columns: columns, stepX: step, stepY: step)
        // Column boundaries (µm from the left), then wavy in y.
        var edges: [Double] = [0]
        while edges.last! < Double(columns) * step {
            let w = exp(Double.random(in: log(widthRange.lowerBound)...log(widthRange.upperBound), using: &rng))
            edges.append(edges.last! + w)
        }
        let nGrains = edges.count - 1
        let oris = (0..<nGrains).map { _ in Rotation.random(using: &rng) }
        let phaseShift = (0..<edges.count).map { _ in Double.random(in: 0..<(2 * .pi), using: &rng) }
        var grainOf = [Int](repeating: 0, count: grid.count)
        var rotations = [Rotation](repeating: .identity, count: grid.count)
        var phaseIndex = [Int32](repeating: 0, count: grid.count)
        let spread = spreadDegrees * .pi / 180
        for r in 0..<rows {
            for c in 0..<columns {
                let x = (Double(c) + 0.5) * step, y = Double(r) * step
                var g = 0
                for k in 1..<edges.count - 1 {
                    let wobble = 0.15 * step * 4 * sin(y / (6 * step) + phaseShift[k])
                    if x > edges[k] + wobble { g = k }
                }
                let i = grid.index(row: r, column: c)
                grainOf[i] = g
                let axis = Vector3(
                    Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng))
                rotations[i] = Rotation(axis: axis, angle: Double.random(in: 0...spread, using: &rng)) * oris[g]
            }
        }
        // Pores at the interface (bottom rows).
        var porePixels: [Int] = []
        for _ in 0..<pores {
            let cx = Double.random(in: 4...Double(columns - 5), using: &rng), rad = Double.random(in: poreRadius, using: &rng)
            for r in max(0, rows - Int(rad) - 1)..<rows {
                for c in 0..<columns {
                    let dx = Double(c) - cx, dy = Double(rows - 1 - r)
                    if dx * dx + dy * dy <= rad * rad {
                        let i = grid.index(row: r, column: c)
                        if phaseIndex[i] >= 0 {
                            phaseIndex[i] = -1
                            porePixels.append(i)
                        }
                    }
                }
            }
        }
        let truth = CrystalMap(
            grid: grid, phases: [MapPhase(id: 1, phase: phase)], phaseIndex: phaseIndex, rotations: rotations,
            properties: [MapProperty.confidenceIndex: phaseIndex.map { $0 < 0 ? -1 : 1 }],
            metadata: ["operator": "SwiftEBSD synthetic ground truth", "sampleid": "columnar \(phase.name) deposit, seed \(seed)"])
        // Defects in the "as indexed" map.
        var indexed = truth
        let biggest = (0..<nGrains).max { a, b in grainOf.filter { $0 == a }.count < grainOf.filter { $0 == b }.count }!
        let candidates = (0..<grid.count).filter { grainOf[$0] == biggest && phaseIndex[$0] >= 0 }
        var pseudo: [Int] = []
        if let seedPixel = candidates.randomElement(using: &rng) {
            // a compact cluster around seedPixel
            let sr = seedPixel / columns, sc = seedPixel % columns
            let cluster = candidates.sorted { a, b in
                let da = (a / columns - sr) * (a / columns - sr) + (a % columns - sc) * (a % columns - sc)
                let db = (b / columns - sr) * (b / columns - sr) + (b % columns - sc) * (b % columns - sc)
                return da < db
            }.prefix(pseudoSymmetricPixels)
            let variant = Rotation(axis: Vector3(1, 1, 1), angle: .pi / 3)
            for i in cluster {
                indexed.rotations[i] = variant * truth.rotations[i]
                pseudo.append(i)
            }
        }
        var spikes: [Int] = []
        let pool = (0..<grid.count).filter { phaseIndex[$0] >= 0 && !pseudo.contains($0) }
        while spikes.count < wildSpikes, let i = pool.randomElement(using: &rng) {
            let r = i / columns, c = i % columns
            if r == 0 || c == 0 || r == rows - 1 || c == columns - 1
                || spikes.contains(where: { abs($0 / columns - r) <= 2 && abs($0 % columns - c) <= 2 })
            {
                continue
            }
            // a wild spike sits inside a grain: all 8 neighbours indexed and of the same grain
            let nb = [-columns - 1, -columns, -columns + 1, -1, 1, columns - 1, columns, columns + 1].map { i + $0 }
            if !nb.allSatisfy({ phaseIndex[$0] >= 0 && grainOf[$0] == grainOf[i] }) { continue }
            indexed.rotations[i] = Rotation.random(using: &rng)
            spikes.append(i)
        }
        indexed.metadata["sampleid"] = "columnar \(phase.name) deposit as indexed (pseudo-symmetric cluster + wild spikes), seed \(seed)"
        return Result(
            truth: truth, asIndexed: indexed, porePixels: porePixels, pseudoSymmetricPixels: pseudo, wildSpikePixels: spikes,
            grainOfPixel: grainOf)
    }
}
