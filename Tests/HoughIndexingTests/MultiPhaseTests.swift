import EBSDCore
import Foundation
import Testing
@testable import HoughIndexing
import CrystalMaps
@testable import Crystallography
@testable import DetectorGeometry
@testable import PatternSimulation

/// Multi-phase Hough indexing: a generated mix of bcc Na and antifluorite Na2O
/// patterns (each projected from its own kinematical master pattern, then
/// blurred, given a background, gain and Poisson noise) indexed with both
/// phases at once. The strongest Na2O bands ({220}, {200}) run along the same
/// directions as Na's {110} and {200}, so the phase must come from the band
/// widths (d-spacings) and the bands each phase predicts, not from angles alone.
@Suite struct MultiPhaseTests {
    static func patterns(phase: Phase, count: Int, seed: UInt64, detector: Detector) -> (patterns: [[Float]], truth: [Rotation]) {
        let mp = KinematicalSimulator(phase: phase, voltageKV: 20).masterPattern(size: 251)
        let proj = PatternProjector(master: mp, detector: detector)
        var rng = SplitMix64(seed: seed)
        let truth = (0..<count).map { _ in Rotation.random(using: &rng) }
        var deg = PatternDegradation(rows: detector.rows, columns: detector.columns)
        deg.seed = seed
        return (truth.enumerated().map { deg.apply(proj.pattern($0.element), index: $0.offset) }, truth)
    }

    @Test func sodiumAndSodiumOxide() throws {
        let det = Detector(rows: 120, columns: 120, pc: PatternCenter(0.5, 0.5, 0.6))
        let na = Self.patterns(phase: .sodium, count: 100, seed: 21, detector: det)
        let ox = Self.patterns(phase: .sodiumOxide, count: 100, seed: 22, detector: det)
        let hi = HoughIndexer(detector: det, phases: [.sodium, .sodiumOxide], familyCount: 5)
        var right = [0, 0], within2 = [0, 0]
        for (p, set) in [na, ox].enumerated() {
            let sols = hi.index(batch: set.patterns.flatMap { $0 }, count: set.patterns.count)
            for (k, s) in sols.enumerated() {
                guard let s, s.phaseIndex == p else { continue }
                right[p] += 1
                if Orientation(s.rotation, .cubicHigh).disorientationAngle(to: Orientation(set.truth[k], .cubicHigh)) < 2 * .pi / 180 {
                    within2[p] += 1
                }
            }
        }
        print(
            "Hough Na/Na2O: right phase Na \(right[0])/100, Na2O \(right[1])/100; right phase and within 2°: \(within2[0]), \(within2[1])")
        // The width check's two parameters (window 2, edge σ 0.5 cell) were chosen on seeds 11/12
        // (196/200 right); these seeds (21/22) are held out.
        #expect(right[0] + right[1] >= 196)
    }
}
