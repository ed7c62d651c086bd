import EBSDCore
import Foundation
import Testing
import TestSupport
@testable import Crystallography
@testable import DetectorGeometry
@testable import PatternSimulation
@testable import Preprocessing
@testable import EBSDImageIO

/// The whole geometry chain on real data: EMsoft's Ni master pattern projected
/// with each pattern's PC and reference orientation vs the 9 real NORDIF Ni
/// patterns after static + dynamic background removal (kikuchipy's values).
@Suite struct RealNiChainTests {
    @Test func nccMatchesKikuchipy() throws {
        let meta = try SharedData.json("data/ni-nordif-3x3/metadata.json")
        let pcs = (meta["pc_bruker_per_pattern"] as! [[Double]]).map { PatternCenter($0[0], $0[1], $0[2]) }
        let eulers = meta["reference_orientations_bunge_rad"] as! [[Double]]
        let expected = meta.doubles("ncc_standard_preprocessing")!
        let master = try MasterPattern.read(SharedData.path("data/ni-master-20kv/lambert_north_south.tif"))
        let detector = Detector(rows: 60, columns: 60, pcs: pcs, convention: .bruker, sampleTilt: 70, tilt: 0)
        let projector = PatternProjector(master: master, detector: detector)
        let stack = try TIFFReader(SharedData.path("data/ni-nordif-3x3/patterns.tif"))
        let bg = try TIFFReader(SharedData.path("data/ni-nordif-3x3/static_background.tif")).page(0)
        let pre = Preprocessor.kikuchipyStandard(rows: 60, columns: 60, staticBackground: bg)
        var report: [String] = []
        for k in 0..<9 {
            let g = Rotation(euler: EulerAngles(eulers[k][0], eulers[k][1], eulers[k][2]))
            let sim = projector.pattern(g, pcIndex: k)
            let exp = pre.apply(try stack.page(k))
            let ncc = PatternNormalization.ncc(exp, sim)
            report.append(String(format: "%.4f/%.4f", ncc, expected[k]))
            #expect(abs(ncc - expected[k]) <= 0.02, "pattern \(k): NCC \(ncc) vs kikuchipy \(expected[k])")
        }
        print("Ni NCC ours/kikuchipy: \(report.joined(separator: " "))")
    }
}
