import Foundation
import Crystallography
import CrystalMaps
import HoughIndexing
import PatternMatching
import PatternStacks

/// Hough first; dictionary matching only where Hough is unsure (not indexed, CI below
/// `ciThreshold` or fewer than `minimumBands` matched bands); then every pixel refined.
/// Defaults: CI 0.2, 6 bands (the reference study's lower band count), the dictionary and
/// refinement defaults of ``DictionaryMatchOptions`` and ``RefinementOptions``.
public struct HybridIndexer: Sendable {
    public let hough: HoughIndexer
    public let matcher: StackMatcher
    public var refinement: RefinementOptions
    /// Hough CI (the triplet-vote share, ``CrystalMaps/MapProperty/confidenceIndex``) below which a pixel goes to the
    /// dictionary unless given. On the 500 dev Na 60 px patterns, CI < 0.2 alone sends 15 of the 16 wrong Hough
    /// solutions (> 2°) and 38 of the 484 right ones; with fewer than 6 matched bands too, all 16 and 133.
    public static let defaultCIThreshold = 0.2
    /// Fewest matched Hough bands that skip the dictionary unless given (the reference study's lower band count).
    public static let defaultMinimumBands = 6
    public var ciThreshold = HybridIndexer.defaultCIThreshold
    public var minimumBands = HybridIndexer.defaultMinimumBands

    /// What the hybrid route did.
    public struct Report: Sendable {
        public var houghSeconds = 0.0
        /// Pixels sent to the dictionary.
        public var matched = 0
        public var refinement = MapRefiner.Report()
    }

    public init(hough: HoughIndexer, matcher: StackMatcher, refinement: RefinementOptions = RefinementOptions()) {
        self.hough = hough
        self.matcher = matcher
        self.refinement = refinement
    }

    /// Indexes `stack` into a map of its shape and step; `progress(stage, done, total)`.
    public func index(
        _ stack: PatternStack,
        progress: ((_ stage: String, _ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> (CrystalMap, Report) {
        var report = Report()
        let t0 = Date()
        var m = try hough.index(stack: stack, progress: { progress?("hough", $0, stack.count) })
        report.houghSeconds = Date().timeIntervalSince(t0)
        let ci = m.properties[MapProperty.confidenceIndex] ?? [], bands = m.properties[MapProperty.bandsMatched] ?? []
        let unsure = (0..<m.count).filter { !m.isIndexed($0) || ci[$0] < Float(ciThreshold) || bands[$0] < Float(minimumBands) }
        report.matched = unsure.count
        let found = try matcher.match(points: unsure, of: stack, progress: { progress?("match", $0, $1) })
        for (k, i) in unsure.enumerated() {
            m.rotations[i] = found[k].rotation
            m.phaseIndex[i] = 0
        }
        m.phases = [MapPhase(id: 1, phase: matcher.phase)]
        let refiner = MapRefiner(signal: matcher.signal, master: matcher.master, options: refinement)
        let (out, rr) = try refiner.refine(m, stack: stack, progress: { progress?("refine", $0, $1) })
        report.refinement = rr
        return (out, report)
    }
}
