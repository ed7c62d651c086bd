import EBSDCore
import Foundation
import Crystallography
import DetectorGeometry
import PatternSimulation

/// Pattern-centre calibration by pattern matching (Bruker convention): the PC that maximises the mean NCC of a
/// few patterns with patterns projected from a master pattern, each pattern's orientation refined anew at every
/// trial PC (a PC error and an orientation error trade off on one pattern; over patterns of different
/// orientations only the right PC scores best). The search is ``PCSearch``: a coarse grid, then Nelder–Mead
/// on the same objective from the best grid points; restarts give the uncertainty. Orientations start from the
/// ones given (e.g. Hough or dictionary indexing at the starting PC) and follow the best trial PC.
public struct MatchingPCCalibration: Sendable {
    public let signal: PatternSignal
    public let master: MasterPattern
    /// The search: by default a 3³ grid over ±0.05 and one local start (each evaluation refines every orientation).
    public var search: PCSearch

    public init(signal: PatternSignal, master: MasterPattern) {
        self.signal = signal
        self.master = master
        search = PCSearch(gridPoints: 3, localStarts: 1, localStep: 0.005)
    }

    /// A calibrated PC with its mean NCC and the orientations refined at it.
    public struct Result: Sendable {
        public var pc: PatternCenter
        public var score: Double
        public var rotations: [Rotation]
        /// Standard deviation of each coordinate over the restarts (nil for a single run), and where each ended.
        public var spread: PatternCenter?
        public var restarts: [PatternCenter] = []
    }

    /// Mean NCC at `pc` of prepared patterns (`count × signal.length`), orientations refined from `starts`.
    public func score(_ pc: PatternCenter, prepared: [Float], starts: [Rotation]) -> (score: Double, rotations: [Rotation]) {
        guard PCSearch.plausible(pc) else { return (-1, starts) }
        let r = OrientationRefiner(signal: signal.with(patternCenter: pc), master: master).refine(
            prepared: prepared, starts: starts, pcs: [pc])
        return (r.map { Double($0.score) }.reduce(0, +) / Double(max(1, r.count)), r.map(\.rotation))
    }

    /// Calibrates on raw patterns (`count × rows × columns`) with starting orientations `starts` and PC `start`.
    public func calibrate(_ raw: [Float], count: Int, starts: [Rotation], start: PatternCenter) -> Result {
        calibrate(raw, count: count, starts: starts, start: start, restarts: nil)
    }

    /// ``calibrate(_:count:starts:start:)`` from `restarts` random starts within the search range (seeded): the
    /// best result, with the spread of the restarts as its uncertainty.
    public func calibrate(_ raw: [Float], count: Int, starts: [Rotation], start: PatternCenter, restarts: Int?, seed: UInt64 = 1)
        -> Result
    {
        let prepared = signal.prepareExperimental(raw, count: count)
        let best = BestSoFar(score: -.infinity, rotations: starts)
        // −mean NCC; the orientations follow the best PC seen so far
        let objective: (PatternCenter) -> Double = { pc in
            let (s, rotations) = score(pc, prepared: prepared, starts: best.rotations)
            if s > best.score {
                best.score = s
                best.rotations = rotations
            }
            return -s
        }
        let r =
            restarts.map { n in search.search(from: start, restarts: n, seed: seed) { _ in (objective, objective) } }
            ?? search.search(from: start, global: objective, local: objective)
        let final = score(r.pc, prepared: prepared, starts: best.rotations)
        return Result(pc: r.pc, score: final.score, rotations: final.rotations, spread: r.spread, restarts: r.restarts)
    }

    /// The best trial so far (orientations warm-start the next trial).
    final class BestSoFar {
        var score: Double
        var rotations: [Rotation]
        init(score: Double, rotations: [Rotation]) {
            self.score = score
            self.rotations = rotations
        }
    }
}
