import Foundation
import Testing
import TestSupport
import EBSDCore
@testable import DetectorGeometry
@testable import PatternSimulation
@testable import Crystallography

@Suite struct MovingScreenTests {
    /// Simulated moving-screen patterns (the shipped Na master, one orientation, the detector moved back by 0.1 and
    /// 0.2 pattern heights): the PC is found within 0.002 from a start 0.05 off, with two and with three patterns.
    @Test func recoversThePCOfSimulatedPatterns() throws {
        let master = try MasterPattern.read(SharedData.packageRoot.appendingPathComponent("MasterPatterns/Na-20kV-kinematical.tif").path)
        let truth = PatternCenter(0.47, 0.32, 0.55), size = 120
        var rng = SplitMix64(seed: 9)
        let g = Rotation.random(using: &rng)
        let patterns = [0.0, 0.1, 0.2].map { dz in
            PatternProjector(
                master: master, detector: Detector(rows: size, columns: size, pc: PatternCenter(truth.x, truth.y, truth.z + dz))
            )
            .pattern(g)
        }
        let cal = MovingScreenCalibration(rows: size, columns: size)
        let start = PatternCenter(truth.x + 0.05, truth.y - 0.05, truth.z + 0.05)
        for (k, shifts) in [[0.1], [0.1, 0.2]].enumerated() {
            let r = try cal.calibrate(Array(patterns.prefix(k + 2)), shifts: shifts, start: start)
            let e = max(abs(r.pc.x - truth.x), abs(r.pc.y - truth.y), abs(r.pc.z - truth.z))
            print(
                String(
                    format: "moving screen, %d patterns: PC %.4f %.4f %.4f (error %.4f, NCC %.4f)", k + 2, r.pc.x, r.pc.y, r.pc.z, e,
                    -r.value))
            #expect(e <= 0.002)
        }
        #expect(throws: MovingScreenError.self) { try cal.calibrate([patterns[0]], shifts: []) }
        #expect(throws: MovingScreenError.self) { try cal.calibrate(Array(patterns.prefix(2)), shifts: [0]) }
    }
}
