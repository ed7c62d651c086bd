import Foundation
import Crystallography
import CrystalMaps
import Grains
import PatternMatching
import PatternStacks

/// The Hough-seeded route of dictionary matching (recipe `match: {seed: hough}`): every Hough solution of the
/// matcher's phase is refined directly against the master pattern (``MapRefiner``); only the points that Hough left
/// not indexed (or gave another phase) and the refined seeds that ``SeedCheck`` distrusts go to the dictionary
/// (``StackMatcher``), whose solutions are refined in turn and kept where they beat the seed's refined NCC. The map
/// that comes out is refined everywhere: NCC in `score`, Hough's own figures of merit kept beside it. When no point
/// needs the dictionary, no dictionary is simulated. This is the reference study's own route (AZtec's Hough solutions
/// refined against dynamical simulations by MapSweeper), with the full dictionary as the safety net.
public struct HoughSeededMatcher: Sendable {
    public let matcher: StackMatcher
    public var refinement: RefinementOptions
    public var check: SeedCheck

    /// Where the points went.
    public struct Report: Sendable, CustomStringConvertible {
        /// Hough solutions refined.
        public var seeded = 0
        /// Points sent to the dictionary: seeds below the NCC rules, seeds disagreeing with every neighbour, points
        /// without a seed (not indexed by Hough or of another phase); of all these, those whose refined dictionary
        /// solution beat the seed (and took its place), and of those, the ones more than 2° from the seed (a new solution).
        public var lowScore = 0, disagreeing = 0, unseeded = 0, replaced = 0, corrected = 0
        /// Points left not indexed because their NCC is below the step's `min_score`.
        public var belowMinimumScore = 0
        public var dictionaryPatterns = 0
        public var refineSeconds = 0.0, dictionarySeconds = 0.0

        public init() {}
        public var sentToDictionary: Int { lowScore + disagreeing + unseeded }
        /// Refined Hough solutions kept without asking the dictionary.
        public var kept: Int { seeded - lowScore - disagreeing }

        public var description: String {
            var s = "\(seeded) Hough solutions refined, \(kept) kept; \(sentToDictionary) points to the dictionary "
            s += "(\(lowScore) low NCC, \(disagreeing) unlike every neighbour, \(unseeded) without a Hough solution)"
            if sentToDictionary > 0 {
                s += ", \(replaced) replaced by its refined solution, \(corrected) of them more than 2° away "
                s += "(\(dictionaryPatterns) dictionary patterns)"
            }
            return s + String(format: "; refinement %.1f s, dictionary %.1f s", refineSeconds, dictionarySeconds)
        }
    }

    public init(matcher: StackMatcher, refinement: RefinementOptions = RefinementOptions(), check: SeedCheck = SeedCheck()) {
        self.matcher = matcher
        self.refinement = refinement
        self.check = check
    }

    /// Refines `hough` (a map of `stack`'s shape) and repairs it from the dictionary; `progress(stage, done, total)`.
    public func match(
        _ hough: CrystalMap, stack: PatternStack, progress: ((_ stage: String, _ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> (CrystalMap, Report) {
        guard hough.count == stack.count else {
            throw RecipeError("the Hough map has \(hough.count) points but \(stack.path) holds \(stack.count) patterns")
        }
        var report = Report()
        var options = refinement
        options.neighbourCheckThreshold = 0
        let refiner = MapRefiner(signal: matcher.signal, master: matcher.master, options: options)
        var map = hough
        map.phases = [MapPhase(id: 1, phase: matcher.phase)]
        let phaseName = matcher.phase.name
        map.phaseIndex = (0..<hough.count).map { i in
            hough.isIndexed(i) && hough.phases[Int(hough.phaseIndex[i])].phase.name == phaseName ? 0 : -1
        }
        map.properties[MapProperty.score] = [Float](repeating: 0, count: map.count)
        let seeds = (0..<map.count).filter { map.isIndexed($0) }
        var t = Date()
        (map, _) = try refiner.refine(map, stack: stack, pixels: seeds, progress: { progress?("refine seeds", $0, $1) })
        report.refineSeconds = Date().timeIntervalSince(t)
        report.seeded = seeds.count
        let (low, lone) = distrusted(map, seeds: seeds)
        report.lowScore = low.count
        report.disagreeing = lone.count
        let unseeded = Set(stack.missingPoints)
        let without = (0..<map.count).filter { !map.isIndexed($0) && !unseeded.contains($0) }
        report.unseeded = without.count
        let sent = (low + lone + without).sorted()
        if !sent.isEmpty {
            t = Date()
            var candidate = map
            let found = try matcher.match(points: sent, of: stack, progress: { progress?("match", $0, $1) })
            for (k, i) in sent.enumerated() {
                candidate.rotations[i] = found[k].rotation
                candidate.phaseIndex[i] = 0
            }
            (candidate, _) = try refiner.refine(candidate, stack: stack, pixels: sent, progress: { progress?("refine matches", $0, $1) })
            let before = map.properties[MapProperty.score]!, after = candidate.properties[MapProperty.score]!
            var score = before
            let newSolution = 2 * Double.pi / 180
            for i in sent where !map.isIndexed(i) || after[i] > before[i] {
                let moved = matcher.phase.laueGroup.disorientationAngle(candidate.rotations[i].q * map.rotations[i].q.conjugate)
                if !map.isIndexed(i) || moved > newSolution { report.corrected += 1 }
                map.rotations[i] = candidate.rotations[i]
                map.phaseIndex[i] = 0
                score[i] = after[i]
                report.replaced += 1
            }
            map.properties[MapProperty.score] = score
            report.dictionaryPatterns = matcher.rotations.count
            report.dictionarySeconds = Date().timeIntervalSince(t)
        }
        report.belowMinimumScore = try matcher.finish(&map, stack: stack)
        map.metadata["operator"] = "SwiftEBSD Hough-seeded refinement"
        return (map, report)
    }

    /// Refined seeds that ``check`` distrusts: (below the NCC rules, unlike every indexed neighbour).
    func distrusted(_ map: CrystalMap, seeds: [Int]) -> (low: [Int], lone: [Int]) {
        let score = map.properties[MapProperty.score]!
        let cosTolerance = cos(check.toleranceDegrees * .pi / 360)
        var low: [Int] = [], lone: [Int] = []
        for i in seeds {
            let near = map.neighbours(of: i).filter { map.isIndexed($0) }
            let neighbourScores = near.map { score[$0] }.sorted()
            let median = neighbourScores.isEmpty ? 0 : Double(neighbourScores[neighbourScores.count / 2])
            if Double(score[i]) < (check.minimumScore ?? -1) || Double(score[i]) < check.relativeScore * median {
                low.append(i)
            } else if !near.isEmpty && near.allSatisfy({ map.disorientationCosHalf(i, $0) < cosTolerance }) {
                lone.append(i)
            }
        }
        return (low, lone)
    }
}
