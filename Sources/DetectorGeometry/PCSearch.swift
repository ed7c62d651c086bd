import EBSDCore
import Foundation
import EBSDNumerics

/// The global search every pattern-centre calibration shares (Bruker convention): a coarse grid of
/// `gridPoints`³ PCs within ±`range` of the start (one point, the start, for `gridPoints` 1) judged by a robust
/// objective, then Nelder–Mead on a precise objective from the best `localStarts` grid points; and restarts from
/// random starts within ±`range`, whose
/// spread is the calibrated PC's uncertainty. Both objectives are minimised; +∞ marks an impossible PC.
public struct PCSearch: Sendable {
    public var range: Double
    public var gridPoints: Int
    public var localStarts: Int
    /// Initial simplex (Bruker units), stopping tolerance and iteration cap of the local stage.
    public var localStep: Double
    public var tolerance = 1e-5
    public var iterations = 300

    public init(range: Double = 0.05, gridPoints: Int = 5, localStarts: Int = 3, localStep: Double = 0.01) {
        self.range = range
        self.gridPoints = gridPoints
        self.localStarts = localStarts
        self.localStep = localStep
    }

    /// A calibrated PC, with its objective value and, after restarts, its uncertainty.
    public struct Result: Sendable {
        public var pc: PatternCenter
        /// The precise (local) objective at `pc`.
        public var value: Double
        /// Standard deviation of each coordinate over the restarts (nil for a single run).
        public var spread: PatternCenter?
        /// The PC each restart ended at.
        public var restarts: [PatternCenter] = []
    }

    /// Whether a PC is physically possible.
    public static func plausible(_ pc: PatternCenter) -> Bool { pc.z > 0.05 && pc.x > 0 && pc.x < 1 && pc.y > 0 && pc.y < 1 }

    /// Grid on `global`, then Nelder–Mead on `local` from the best grid points.
    public func search(
        from start: PatternCenter, global: (PatternCenter) -> Double, local: (PatternCenter) -> Double
    ) -> Result {
        let n = max(1, gridPoints)
        let offsets = n == 1 ? [0] : (0..<n).map { -range + 2 * range * Double($0) / Double(n - 1) }
        var grid: [(PatternCenter, Double)] = []
        for dx in offsets {
            for dy in offsets {
                for dz in offsets {
                    let c = PatternCenter(start.x + dx, start.y + dy, start.z + dz)
                    grid.append((c, n == 1 ? 0 : Self.plausible(c) ? global(c) : .infinity))
                }
            }
        }
        grid.sort { $0.1 < $1.1 }
        var best = Result(pc: start, value: .infinity)
        for (c, _) in grid.prefix(localStarts) {
            let r = NelderMead(tolerance: tolerance, maxIterations: iterations).minimize(
                { x in
                    let p = PatternCenter(x[0], x[1], x[2])
                    return Self.plausible(p) ? local(p) : .infinity
                }, start: [c.x, c.y, c.z], step: [localStep, localStep, localStep])
            if r.value < best.value { best = Result(pc: PatternCenter(r.x[0], r.x[1], r.x[2]), value: r.value) }
        }
        return best
    }

    /// `search` from `restarts` random starts within ±`range` of `start` (seeded; `makeObjectives` prepares the
    /// objectives for each start, e.g. bands detected there): the best result, with the spread of all.
    public func search(
        from start: PatternCenter, restarts: Int, seed: UInt64,
        makeObjectives: (PatternCenter) -> (global: (PatternCenter) -> Double, local: (PatternCenter) -> Double)
    ) -> Result {
        var rng = SplitMix64(seed: seed)
        let starts = (0..<max(1, restarts)).map { _ in
            PatternCenter(
                start.x + (2 * rng.unitOpen() - 1) * range, start.y + (2 * rng.unitOpen() - 1) * range,
                start.z + (2 * rng.unitOpen() - 1) * range)
        }
        let results = starts.map { s in
            let o = makeObjectives(s)
            return search(from: s, global: o.global, local: o.local)
        }
        var best = results.min { $0.value < $1.value }!
        func sd(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(1, v.count - 1))).squareRoot()
        }
        let pcs = results.map(\.pc)
        best.restarts = pcs
        best.spread = PatternCenter(sd(pcs.map(\.x)), sd(pcs.map(\.y)), sd(pcs.map(\.z)))
        return best
    }
}
