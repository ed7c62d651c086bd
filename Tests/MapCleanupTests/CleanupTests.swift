import EBSDCore
import PatternMatching
import Foundation
import Testing
import TestSupport
@testable import Grains
@testable import MapCleanup
@testable import CrystalMaps
@testable import Crystallography
@testable import PatternSimulation
@testable import PatternStacks
@testable import DetectorGeometry
@testable import Preprocessing

/// Clean-up on the shipped electrodeposit samples, whose ground truth is known.
@Suite struct CleanupTests {
    static func sample(_ name: String) -> String { SharedData.packageRoot.appendingPathComponent("SampleMaps/\(name)").path }

    func run(
        _ name: String, verifyWithPatterns: Bool
    ) throws -> (truth: CrystalMap, indexed: CrystalMap, cleaned: CrystalMap, reports: [CleanupReport]) {
        let dir = CleanupTests.sample(name)
        let truth = try AngFile.read(dir + "/truth.ang"), indexed = try AngFile.read(dir + "/indexed.ang")
        var pseudo = PseudoSymmetryCorrection(operators: [Rotation(axis: Vector3(1, 1, 1), angle: .pi / 3)])
        if verifyWithPatterns {
            let stack = try PatternStack.open(dir + "/patterns.tif")
            let phase = truth.phases[0].phase.name
            let mp = try MasterPattern.read(
                SharedData.packageRoot.appendingPathComponent("MasterPatterns/\(phase)-20kV-kinematical.tif").path)
            let det = Detector(rows: 60, columns: 60, pc: PatternCenter(0.5, 0.5, 0.6))
            pseudo.verify = PatternFlipCheck(stack: stack, master: mp, detector: det).verifier
        }
        let (cleaned, reports) = try indexed.cleaned(by: [WildSpikeRemoval(), ZeroSolutionFill(neighbourCounts: [6, 5]), pseudo])
        return (truth, indexed, cleaned, reports)
    }

    @Test(arguments: [
        ("na-electrodeposit-cross-section", false), ("na-electrodeposit-cross-section", true), ("li-electrodeposit-cross-section", true),
    ])
    func electrodepositIsRepaired(_ name: String, _ verify: Bool) throws {
        let (truth, indexed, cleaned, reports) = try run(name, verifyWithPatterns: verify)
        let group = LaueGroup.cubicHigh
        func angle(_ a: Rotation, _ b: Rotation) -> Double { group.disorientationAngle(b.q * a.q.conjugate) * 180 / .pi }
        var pseudo: [Int] = [], spikes: [Int] = []
        for i in 0..<truth.count where truth.isIndexed(i) && angle(truth.rotations[i], indexed.rotations[i]) > 1 {
            if abs(angle(truth.rotations[i], indexed.rotations[i]) - 60) < 0.5 && truth.isIndexed(i) {
                pseudo.append(i)
            } else {
                spikes.append(i)
            }
        }
        #expect(pseudo.count >= 5 && spikes.count >= 3)
        let pseudoFixed = pseudo.filter { cleaned.isIndexed($0) && angle(truth.rotations[$0], cleaned.rotations[$0]) < 1 }.count
        let spikesFixed = spikes.filter { cleaned.isIndexed($0) && angle(truth.rotations[$0], cleaned.rotations[$0]) < 1 }.count
        #expect(Double(pseudoFixed) >= 0.99 * Double(pseudo.count), "\(name): pseudo-symmetric \(pseudoFixed)/\(pseudo.count)")
        #expect(spikesFixed == spikes.count, "\(name): wild spikes \(spikesFixed)/\(spikes.count)")
        let pores = (0..<truth.count).filter { !truth.isIndexed($0) }
        #expect(!pores.isEmpty && pores.allSatisfy { !cleaned.isIndexed($0) }, "\(name): pores must stay unindexed")
        let injected = Set(pseudo + spikes)
        var worst = 0.0
        for i in 0..<truth.count where truth.isIndexed(i) && !injected.contains(i) {
            worst = max(worst, angle(indexed.rotations[i], cleaned.rotations[i]))
        }
        #expect(worst <= 1, "\(name): a true-grain pixel moved by \(worst)°")
        // Grain count and mean width (intercept along x, parallel to the interface) vs the truth.
        let seg = GrainSegmentation(thresholdDegrees: 10)
        let gTruth = seg.segment(truth), gClean = seg.segment(cleaned)
        #expect(
            abs(Double(gClean.grains.count - gTruth.grains.count)) <= 0.05 * Double(gTruth.grains.count),
            "grains \(gClean.grains.count) vs \(gTruth.grains.count)")
        let wT = GrainStatistics(gTruth).meanInterceptX, wC = GrainStatistics(gClean).meanInterceptX
        #expect(abs(wC - wT) <= 0.05 * wT, "mean width \(wC) vs \(wT) µm")
        print(
            "\(name) verify=\(verify): pseudo \(pseudoFixed)/\(pseudo.count), spikes \(spikesFixed)/\(spikes.count), pores "
                + "\(pores.count), worst true-pixel change \(worst)°, grains \(gClean.grains.count)/\(gTruth.grains.count), "
                + "width \(wC)/\(wT) µm; "
                + reports.map(\.description).joined(separator: "; "))
    }
}
