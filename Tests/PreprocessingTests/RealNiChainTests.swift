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
@Suite(.needsSharedData) struct RealNiChainTests {
    @Test func nccMatchesKikuchipy() throws {
        let ni = try NickelData()
        let expected = ni.nccStandardPreprocessing
        let master = try MasterPattern.read(NickelData.masterPath)
        let detector = Detector(rows: 60, columns: 60, pcs: ni.pcs, convention: .bruker, sampleTilt: 70, detectorTilt: 0)
        let projector = PatternProjector(master: master, detector: detector)
        let pre = Preprocessor.kikuchipyStandard(rows: 60, columns: 60, staticBackground: ni.background)
        let size = NickelData.rows * NickelData.columns
        var report: [String] = []
        for k in 0..<9 {
            let sim = projector.pattern(ni.references[k], pcIndex: k)
            let exp = pre.apply(Array(ni.raw[(k * size)..<((k + 1) * size)]))
            let ncc = PatternNormalization.ncc(exp, sim)
            report.append(String(format: "%.4f/%.4f", ncc, expected[k]))
            #expect(abs(ncc - expected[k]) <= 0.02, "pattern \(k): NCC \(ncc) vs kikuchipy \(expected[k])")
        }
        print("Ni NCC ours/kikuchipy: \(report.joined(separator: " "))")
    }
}
