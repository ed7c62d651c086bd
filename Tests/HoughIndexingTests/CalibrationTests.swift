import Foundation
import Testing
import TestSupport
import EBSDCore
@testable import HoughIndexing
@testable import Crystallography
@testable import DetectorGeometry
@testable import PatternSimulation
@testable import PatternStacks

@Suite(.needsSharedData) struct CalibrationTests {
    /// Random starts within ±0.05 of `truth` (seeded).
    static func starts(around truth: PatternCenter, count: Int, seed: UInt64) -> [PatternCenter] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            PatternCenter(
                truth.x + (2 * rng.unitOpen() - 1) * 0.05, truth.y + (2 * rng.unitOpen() - 1) * 0.05,
                truth.z + (2 * rng.unitOpen() - 1) * 0.05)
        }
    }

    /// The 9 real Ni patterns: from random starts within ±0.05 of their mean reference PC (kikuchipy's pattern
    /// matching), the Hough/Radon calibration converges to one PC (all within 0.006 of each other) that lies within
    /// 0.015 of the reference: on these 60 px real patterns the detected bands sit about half a pixel off the
    /// pattern-matching geometry (measured: PCx −0.008, PCy −0.010), which is why the calibration a user runs
    /// continues with pattern matching (``MatchingPCCalibrationTests``: within 0.005 from every start).
    @Test func realNickelFromRandomStarts() throws {
        let ni = try NickelData()
        let cal = HoughPCCalibration(detector: Detector(rows: 60, columns: 60, pc: ni.meanPC), phases: [.nickel])
        let p0 = cal.prepare(ni.patterns, at: ni.meanPC)
        print(String(format: "at the reference PC: misfit %.3f°, score %.2f", cal.misfit(ni.meanPC, p0), cal.score(ni.meanPC, p0)))
        var errors: [Double] = []
        var found: [PatternCenter] = []
        for s in Self.starts(around: ni.meanPC, count: 4, seed: 15) {
            let r = cal.calibrate(ni.patterns, start: s)
            errors.append(r.pc.largestDifference(to: ni.meanPC))
            found.append(r.pc)
            print(
                String(
                    format: "start %.4f %.4f %.4f → %.4f %.4f %.4f (error %.4f, misfit %.3f°, score %.2f)",
                    s.x, s.y, s.z, r.pc.x, r.pc.y, r.pc.z, errors.last!, r.misfit, r.score))
        }
        print("real Ni PC calibration errors: \(errors.map { String(format: "%.4f", $0) })")
        #expect(errors.allSatisfy { $0 <= 0.015 })
        for a in found { for b in found { #expect(a.largestDifference(to: b) <= 0.006) } }
    }

    /// Issue 28: calibrating with {Ni, α-Fe} on the real Ni patterns: α-Fe does not pull the PC — from the same
    /// starts it ends where the Ni-only calibration with the same reflector families (5) ends (within 0.002), and
    /// within 0.015 of the reference.
    @Test func realNickelWithASecondPhase() throws {
        let ni = try NickelData()
        let detector = Detector(rows: 60, columns: 60, pc: ni.meanPC)
        var one = HoughPCCalibration(detector: detector, phases: [.nickel])
        one.familyCount = HoughIndexer.defaultFamilyCount(phases: 2)
        let two = HoughPCCalibration(detector: detector, phases: [.nickel, .alphaIron])
        for s in Self.starts(around: ni.meanPC, count: 2, seed: 28) {
            let a = one.calibrate(ni.patterns, start: s), b = two.calibrate(ni.patterns, start: s)
            print(String(format: "start %.4f %.4f %.4f: Ni %.4f %.4f %.4f, {Ni, alpha-Fe} %.4f %.4f %.4f", s.x, s.y, s.z,
                a.pc.x, a.pc.y, a.pc.z, b.pc.x, b.pc.y, b.pc.z))
            #expect(b.pc.largestDifference(to: a.pc) <= 0.002 && b.pc.largestDifference(to: ni.meanPC) <= 0.015)
        }
    }
}
