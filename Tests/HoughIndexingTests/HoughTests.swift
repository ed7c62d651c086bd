import Foundation
import Testing
import TestSupport
@testable import HoughIndexing
@testable import Crystallography
@testable import DetectorGeometry
@testable import PatternStacks
import Preprocessing
import PatternSimulation
import EBSDCore

/// Hough indexing against known orientations (dev sets made with kikuchipy, real Ni).
@Suite(.needsSharedData) struct HoughTests {
    @Test func hornAndTriadRecoverARotation() {
        let r = Rotation(euler: .degrees(33, 70, 210))
        let s: [Vector3] = [[1, 0, 0], [0, 1, 0.3], [0.2, -0.4, 1], [1, 1, 1]]
        let c = s.map { r.apply($0.unit) }
        #expect(Horn.rotation(from: s.map(\.unit), to: c).isApproximately(r, tolerance: 1e-9))
        #expect(Rotation(matrix: BandIndexer.triad(s[0].unit, s[1].unit, c[0], c[1])).isApproximately(r, tolerance: 1e-9))
    }

    /// Synthetic band normals of a known orientation are indexed exactly.
    @Test func bandNormalsOfAKnownOrientation() throws {
        let g = Rotation(euler: .degrees(120, 35, 250))
        let lib = ReflectorLibrary(phase: .sodium)
        let normals = Array(lib.normals.prefix(9)).map { g.inverse.apply($0) }  // sample-frame normals
        let s = try #require(BandIndexer(libraries: [lib]).index(normals))
        #expect(Orientation(s.rotation, .cubicHigh).disorientationAngle(to: Orientation(g, .cubicHigh)) < 1e-6)
        #expect(s.bandsMatched == 9 && s.fit < 1e-6)
    }

    func accuracy(_ set: String) throws -> (within2: Double, median: Double) {
        let g = try SharedData.json("dev/\(set)/geometry.json")
        let shape = g["pattern_shape_rows_cols"] as! [Int]
        let pc = g.dict("detector")!.doubles("pc_bruker")!
        let qs = try SharedData.json("dev/\(set)/truth.json")["quaternions_wxyz"] as! [[Double]]
        let hi = HoughIndexer(
            detector: Detector(rows: shape[0], columns: shape[1], pc: PatternCenter(pc[0], pc[1], pc[2])), phases: [.sodium], bandCount: 11)
        let stack = try PatternStack.open(SharedData.path("dev/\(set)/patterns.tif"))
        let n = stack.count
        let sols = hi.index(batch: try stack.read(0..<n), count: n)
        var errors: [Double] = []
        for k in 0..<n {
            guard let s = sols[k] else {
                errors.append(180)
                continue
            }
            errors.append(
                Orientation(s.rotation, .cubicHigh).disorientationAngle(
                    to: Orientation(Rotation(Quaternion(qs[k][0], qs[k][1], qs[k][2], qs[k][3])), .cubicHigh)) * 180 / .pi)
        }
        return (Double(errors.filter { $0 <= 2 }.count) / Double(n), errors.sorted()[n / 2])
    }

    @Test func sodium120px() throws {
        let (w, m) = try accuracy("na-kinematical-120px")
        print("Hough Na 120 px: \(String(format: "%.1f", 100 * w)) % within 2°, median \(String(format: "%.3f", m))°")
        #expect(w >= 0.99)
        // The issue asks for a median ≤ 0.2° (0.162° with the Radon refinement, 0.244° without).
        #expect(m <= 0.2, "median \(m)°")
    }

    @Test func sodium60px() throws {
        let (w, m) = try accuracy("na-kinematical-60px")
        print("Hough Na 60 px: \(String(format: "%.1f", 100 * w)) % within 2°, median \(String(format: "%.3f", m))°")
        #expect(w >= 0.95)
        #expect(m <= 0.45, "median \(m)°")
    }

    /// Real Ni patterns with their mean PC: all 9 within 1° of the reference orientations.
    /// Hough orientations of the 9 real Ni patterns at one PC (their mean reference PC).
    func realNickelErrors(_ hi: HoughIndexer, _ ni: NickelData) throws -> [Double] {
        try (0..<9).map { k in
            let s = try #require(hi.index(ni.patterns[k]).0)
            return Orientation(s.rotation, .cubicHigh).disorientationAngle(to: Orientation(ni.references[k], .cubicHigh)) * 180 / .pi
        }
    }

    /// Real Ni at one PC: every pattern within 1° of kikuchipy's pattern-matching reference; the sharp band view
    /// is what brings the median from 0.62° to 0.37° (it must improve it by ≥ 0.15°).
    @Test func realNickel() throws {
        let ni = try NickelData()
        var hi = HoughIndexer(detector: Detector(rows: 60, columns: 60, pc: ni.meanPC), phases: [.nickel])
        let errs = try realNickelErrors(hi, ni)
        hi.sharpView = nil
        let detectionOnly = try realNickelErrors(hi, ni)
        print(
            "Hough real Ni errors (°): \(errs.map { String(format: "%.2f", $0) }.joined(separator: " ")); detection view only: "
                + "\(detectionOnly.map { String(format: "%.2f", $0) }.joined(separator: " "))")
        #expect(errs.allSatisfy { $0 < 1 })
        #expect(median(errs) <= median(detectionOnly) - 0.15)
    }

    /// Issue 15 item 7: PyEBSDIndex (through kikuchipy's `EBSD.hough_indexing`, 11 bands) on the same 9 real Ni
    /// patterns, same background subtraction and PC, in the same run: our median error is not larger.
    @Test(
        .enabled(
            if: PeerPython.has("kikuchipy", "pyebsdindex"),
            "the peer environment (make peers) lacks kikuchipy or PyEBSDIndex: the side-by-side comparison on real Ni is skipped"))
    func realNickelAgainstPyEBSDIndex() throws {
        let ni = try NickelData()
        let errs = try realNickelErrors(
            HoughIndexer(detector: Detector(rows: 60, columns: 60, pc: ni.meanPC), phases: [.nickel], bandCount: 11), ni)
        let script = SharedData.packageRoot.appendingPathComponent("Benchmarks/peers/pyebsdindex_real_ni_peer.py").path
        let peer = try #require(try PeerPython.json([script, SharedData.path("data/ni-nordif-3x3"), "11"])["errors_deg"] as? [Double])
        print(String(format: "Hough real Ni median error: ours %.3f°, PyEBSDIndex %.3f°", median(errs), median(peer)))
        #expect(peer.count == 9)
        #expect(median(errs) <= median(peer))
    }

    /// Issue 28: the 9 real Ni patterns indexed with {Ni, α-Fe} (4 families and the two-phase default, 5): Ni for all
    /// 9, each with a CI ≥ 0.3, each within 1° of the reference orientation.
    @Test(arguments: [4, nil])
    func realNickelAgainstIron(families: Int?) throws {
        let ni = try NickelData()
        let hi = HoughIndexer(
            detector: Detector(rows: 60, columns: 60, pc: ni.meanPC), phases: [.nickel, .alphaIron], familyCount: families)
        let found = (0..<NickelData.count).map { hi.index(ni.patterns[$0]).0 }
        let right = found.filter { $0?.phaseIndex == 0 }.count
        let ci = found.map { $0?.confidence ?? -1 }
        print("Hough real Ni with {Ni, alpha-Fe}, \(families.map(String.init) ?? "default") families: Ni for \(right)/9, CI "
            + ci.map { String(format: "%.2f", $0) }.joined(separator: " "))
        #expect(right == NickelData.count && ci.allSatisfy { $0 >= 0.3 })
        for k in 0..<NickelData.count {
            guard let s = found[k] else { continue }
            #expect(Orientation(s.rotation, .cubicHigh).disorientationAngle(to: Orientation(ni.references[k], .cubicHigh)) < .pi / 180)
        }
    }

    /// Issue 28: PyEBSDIndex itself with phases FCC and BCC (9 bands) on the same background-removed patterns and PC,
    /// in the same run: we pick the right phase at least as often.
    @Test(
        .enabled(
            if: PeerPython.has("pyebsdindex", "tifffile"),
            "the peer environment (make peers) lacks PyEBSDIndex: the two-phase comparison on real Ni is skipped"))
    func realNickelPhasesAgainstPyEBSDIndex() throws {
        let ni = try NickelData()
        let hi = HoughIndexer(detector: Detector(rows: 60, columns: 60, pc: ni.meanPC), phases: [.nickel, .alphaIron])
        let ours = (0..<NickelData.count).filter { hi.index(ni.patterns[$0]).0?.phaseIndex == 0 }.count
        let script = SharedData.packageRoot.appendingPathComponent("Benchmarks/peers/pyebsdindex_real_ni_phases_peer.py").path
        let peer = try PeerPython.json([script, SharedData.path("data/ni-nordif-3x3"), "9"])
        let theirs = try #require(peer["fcc"] as? Int)
        print("Hough real Ni, right phase of {fcc, bcc}: ours \(ours)/9, PyEBSDIndex \(theirs)/9 (its confidence \(peer["cm"] ?? "?"))")
        #expect(ours >= theirs)
    }

    /// Issue 27 item 7: Hough takes the file's static background by default. Read straight from the NORDIF folder
    /// (its `Background acquisition pattern.bmp`), the map equals the one from background-subtracted patterns (within
    /// 0.01°: batched vs one-by-one float rounding; measured ≤ 0.004°), and
    /// is better than without it (`none`).
    @Test func realNickelTakesTheFilesStaticBackground() throws {
        let ni = try NickelData()
        let stack = try PatternStack.open(SharedData.path("data/ni-nordif-3x3/nordif"))
        let detector = Detector(rows: 60, columns: 60, pc: ni.meanPC)
        func errors(_ background: StaticBackground) throws -> [Double] {
            let hi = HoughIndexer(detector: detector, phases: [.nickel], staticBackground: try background.image(for: stack))
            let map = try hi.index(stack: stack)
            return (0..<9).map { k in
                Orientation(map.rotations[k], .cubicHigh).disorientationAngle(to: Orientation(ni.references[k], .cubicHigh)) * 180 / .pi
            }
        }
        let auto = try errors(HoughIndexer.defaultStaticBackground), none = try errors(.none)
        let manual = try realNickelErrors(HoughIndexer(detector: detector, phases: [.nickel]), ni)
        print(String(format: "Hough real Ni (NORDIF folder) median: file's background %.3f°, none %.3f°", median(auto), median(none)))
        for k in 0..<9 { #expect(abs(auto[k] - manual[k]) < 0.01, "pattern \(k): \(auto[k])° vs \(manual[k])°") }
        #expect(median(auto) < median(none))
        #expect(try StaticBackground.file.image(for: stack) == ni.background)
    }

    /// Issue 27 item 3: 480 px patterns are binned to 120 px for Hough by default. EMsoft's dynamical Ni master projected
    /// at the real Ni geometry for 12 random orientations, plus uniform noise: the automatic binning finds the same
    /// orientations as the full size (median within 0.05°, every pattern within 1° of the truth) in a third of the time
    /// or less.
    @Test func largePatternsAreBinnedForHough() throws {
        #expect(HoughIndexer.automaticBinning(rows: 480, columns: 480) == 4 && HoughIndexer.automaticBinning(rows: 60, columns: 60) == 1)
        #expect(HoughIndexer.automaticBinning(rows: 400, columns: 300) == 4 && HoughIndexer.automaticBinning(rows: 161, columns: 161) == 1)
        #expect(HoughIndexer.automaticBinning(rows: 1024, columns: 1244) == 4)
        let ni = try NickelData()
        let master = try MasterPattern.read(NickelData.masterPath)
        let side = 480, count = 12
        let detector = Detector(rows: side, columns: side, pc: ni.meanPC)
        var rng = SplitMix64(seed: 27)
        let truth = (0..<count).map { _ in Rotation.random(using: &rng) }
        var patterns = PatternProjector(master: master, detector: detector).patterns(truth)
        for i in patterns.indices { patterns[i] = patterns[i] * 200 + Float.random(in: -20...20, using: &rng) }
        func run(_ binning: Int?) -> (errors: [Double], seconds: Double) {
            let hi = HoughIndexer(detector: detector, phases: [.nickel], binning: binning)
            let t0 = Date()
            let found = hi.index(batch: patterns, count: count)
            let seconds = Date().timeIntervalSince(t0)
            let errors = (0..<count).map { k in
                found[k].map { Orientation($0.rotation, .cubicHigh).disorientationAngle(to: Orientation(truth[k], .cubicHigh)) * 180 / .pi }
                    ?? 180
            }
            return (errors, seconds)
        }
        let binned = run(nil), full = run(1)
        print(
            String(
                format: "Hough 480 px Ni: binned to 120 px median %.3f° (%.1f patterns/s), full size %.3f° (%.1f patterns/s)",
                median(binned.errors), Double(count) / binned.seconds, median(full.errors), Double(count) / full.seconds))
        #expect(binned.errors.allSatisfy { $0 < 1 } && full.errors.allSatisfy { $0 < 1 }, "\(binned.errors) \(full.errors)")
        #expect(abs(median(binned.errors) - median(full.errors)) <= 0.05)
        #expect(binned.seconds * 3 <= full.seconds)
    }

    /// Issue 27 item 3 on real patterns: the 9 real Ni patterns were recorded on a 480 px NORDIF detector binned 8 on
    /// the camera; each 60 px pixel spread back over its 8 × 8 block gives them at the detector's full size. Hough
    /// bins those automatically by 4 (120 px): the orientations agree with the full 480 px ones (median error to
    /// kikuchipy's references within 0.05°) and with the 60 px ones, every pattern within 1°.
    @Test func realNickelAtDetectorSizeIsBinnedWithoutLoss() throws {
        let ni = try NickelData()
        let camera = 8, side = NickelData.rows * camera
        let upsampled = ni.patterns.map { p in
            (0..<(side * side)).map { i in p[(i / side / camera) * NickelData.columns + (i % side) / camera] }
        }
        func errors(_ hi: HoughIndexer, _ patterns: [[Float]]) throws -> [Double] {
            try (0..<NickelData.count).map { k in
                let s = try #require(hi.index(patterns[k]).0)
                return Orientation(s.rotation, .cubicHigh).disorientationAngle(to: Orientation(ni.references[k], .cubicHigh)) * 180 / .pi
            }
        }
        let large = Detector(rows: side, columns: side, pc: ni.meanPC)
        let auto = HoughIndexer(detector: large, phases: [.nickel])
        #expect(auto.binning == 4 && auto.detector.rows == 120)
        let binned = try errors(auto, upsampled)
        let full = try errors(HoughIndexer(detector: large, phases: [.nickel], binning: 1), upsampled)
        let native = try errors(HoughIndexer(detector: Detector(rows: 60, columns: 60, pc: ni.meanPC), phases: [.nickel]), ni.patterns)
        print(
            String(
                format: "Hough real Ni at 480 px: auto-binned (120 px) median %.3f°, full size %.3f°, recorded 60 px %.3f°",
                median(binned), median(full), median(native)))
        #expect(binned.allSatisfy { $0 < 1 } && full.allSatisfy { $0 < 1 }, "\(binned) \(full)")
        #expect(abs(median(binned) - median(full)) <= 0.05)
    }

    func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
}
