import Foundation
import Crystallography
import CrystalMaps
import DetectorGeometry
import PatternSimulation

/// The reference study's repair of zero solutions and poor matches: for every
/// pixel that is not indexed or whose score is below `threshold`, the
/// orientations of its (8-connected) indexed neighbours are tried on the
/// pixel's own pattern; the best is taken if its NCC beats both the pixel's
/// current score and `acceptScore`.
public struct NeighbourCheck: Sendable {
    public var threshold: Float
    public var acceptScore: Float

    public init(threshold: Float, acceptScore: Float? = nil) {
        self.threshold = threshold
        self.acceptScore = acceptScore ?? threshold
    }

    /// Pixels the check looks at.
    public func candidates(_ map: CrystalMap, scores: [Float]) -> [Int] {
        (0..<map.count).filter { !map.isIndexed($0) || scores[$0] < threshold }
    }

    /// Applies the check. `prepared(i)` gives pixel i's prepared pattern (see ``PatternSignal``);
    /// returns the map with `score`/`ci` updated and the number of pixels changed.
    public func apply(
        _ map: CrystalMap, scores: [Float], signal: PatternSignal, projector: PatternProjector,
        prepared: (Int) throws -> [Float]
    ) rethrows -> (CrystalMap, changed: Int, checked: Int) {
        var out = map
        var newScores = scores
        let rows = map.grid.rows, cols = map.grid.columns
        var scratch = [Float](repeating: 0, count: 2 * signal.detector.pixelCount), packed = [Float](repeating: 0, count: signal.length)
        let todo = candidates(map, scores: scores)
        var changed = 0
        for i in todo {
            let r = i / cols, c = i % cols
            var tried: [(Rotation, Int32)] = []
            for dr in -1...1 {
                for dc in -1...1 where dr != 0 || dc != 0 {
                    let rr = r + dr, cc = c + dc
                    guard rr >= 0, rr < rows, cc >= 0, cc < cols else { continue }
                    let j = rr * cols + cc
                    if map.isIndexed(j) { tried.append((map.rotations[j], map.phaseIndex[j])) }
                }
            }
            guard !tried.isEmpty else { continue }
            let exp = try prepared(i)
            var best: (Rotation, Int32, Float)?
            exp.withUnsafeBufferPointer { e in
                scratch.withUnsafeMutableBufferPointer { s in
                    packed.withUnsafeMutableBufferPointer { p in
                        for (g, ph) in tried {
                            let v = signal.score(e.baseAddress!, projector, g, scratch: s.baseAddress!, packed: p.baseAddress!)
                            if best == nil || v > best!.2 { best = (g, ph, v) }
                        }
                    }
                }
            }
            guard let (g, ph, v) = best, v >= acceptScore, !map.isIndexed(i) || v > scores[i] else { continue }
            out.rotations[i] = g
            out.phaseIndex[i] = ph
            newScores[i] = v
            changed += 1
        }
        out.properties[MapProperty.score] = newScores
        return (out, changed, todo.count)
    }
}
