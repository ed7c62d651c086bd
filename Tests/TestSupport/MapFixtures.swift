import Crystallography
import CrystalMaps

/// Builds a map from a per-pixel grain-id function and per-grain orientations.
public func makeMap(
    rows: Int, columns: Int, step: Double = 1, _ grainOf: (Int, Int) -> Int, _ oris: [Rotation], phase: Phase = .sodium
) -> CrystalMap {
    let g = MapGrid(rows: rows, columns: columns, stepX: step, stepY: step)
    var rot = [Rotation](repeating: .identity, count: g.count), ph = [Int32](repeating: 0, count: g.count)
    for r in 0..<rows {
        for c in 0..<columns {
            let k = grainOf(r, c)
            if k < 0 { ph[r * columns + c] = -1 } else { rot[r * columns + c] = oris[k] }
        }
    }
    return CrystalMap(grid: g, phases: [MapPhase(id: 1, phase: phase)], phaseIndex: ph, rotations: rot)
}
