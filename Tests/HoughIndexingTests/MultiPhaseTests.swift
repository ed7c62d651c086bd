import EBSDCore
import TestSupport
import PatternStacks
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

    /// Issue 28: bcc α-Fe against fcc Ni, patterns projected from this library's dynamical masters
    /// (`MasterPatterns/Fe-20kV-dynamical.tif`, `Ni-20kV-dynamical.tif`) with the dev sets' degradation (blur,
    /// background, gain, Poisson noise) and PC (0.5, 0.5, 0.6), 100 of each phase per size, indexed with both phases:
    /// the right phase for ≥ 99 % at 120 px and ≥ 95 % at 60 px; the CI of right solutions is higher than of wrong ones.
    @Test(arguments: [(120, 0.99), (60, 0.95)])
    func ironAndNickel(side: Int, required: Double) throws {
        let root = SharedData.packageRoot.appendingPathComponent("MasterPatterns")
        let masters = try [Phase.alphaIron: "Fe-20kV-dynamical.tif", .nickel: "Ni-20kV-dynamical.tif"].mapValues {
            try MasterPattern.read(root.appendingPathComponent($0).path)
        }
        let det = Detector(rows: side, columns: side, pc: PatternCenter(0.5, 0.5, 0.6))
        let phases: [Phase] = [.alphaIron, .nickel], count = 100
        let hi = HoughIndexer(detector: det, phases: phases)
        var right = 0, within2 = 0, ciRight: [Double] = [], ciWrong: [Double] = []
        for (p, phase) in phases.enumerated() {
            let proj = PatternProjector(master: masters[phase]!, detector: det)
            var rng = SplitMix64(seed: UInt64(280 + p))
            let truth = (0..<count).map { _ in Rotation.random(using: &rng) }
            var deg = PatternDegradation(rows: side, columns: side)
            deg.seed = UInt64(280 + p)
            let patterns = truth.enumerated().flatMap { deg.apply(proj.pattern($0.element), index: $0.offset) }
            for (k, s) in hi.index(batch: patterns, count: count).enumerated() {
                guard let s else { continue }
                if s.phaseIndex == p {
                    right += 1
                    ciRight.append(s.confidence)
                    let error = Orientation(s.rotation, .cubicHigh).disorientationAngle(to: Orientation(truth[k], .cubicHigh))
                    if error < 2 * .pi / 180 { within2 += 1 }
                } else {
                    ciWrong.append(s.confidence)
                }
            }
        }
        func mean(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count) }
        print(
            String(
                format: "Hough Fe/Ni %d px: right phase %d/%d, right and within 2° %d; mean CI right %.2f, wrong %.2f", side, right,
                2 * count, within2, mean(ciRight), mean(ciWrong)))
        #expect(Double(right) >= required * Double(2 * count))
        #expect(ciWrong.isEmpty || mean(ciRight) > mean(ciWrong))
    }
}
