import Foundation
import Testing
import TestSupport
@testable import Crystallography
@testable import DetectorGeometry

@Suite(.needsSharedData) struct DetectorTests {
    func close(_ a: PatternCenter, _ b: [Double], _ tol: Double = 1e-9) -> Bool {
        abs(a.x - b[0]) <= tol * max(1, abs(b[0])) && abs(a.y - b[1]) <= tol * max(1, abs(b[1]))
            && abs(a.z - b[2]) <= tol * max(1, abs(b[2]))
    }

    /// The four conventions of ../shared/dev/*/geometry.json convert into each other exactly.
    @Test(arguments: ["na-kinematical-60px", "na-kinematical-120px"])
    func conventionsOfGeometryJSON(_ set: String) throws {
        let g = try SharedData.json("dev/\(set)/geometry.json")
        let shape = g["pattern_shape_rows_cols"] as! [Int]
        let d = g.dict("detector")!
        let given: [(PCConvention, [Double])] = [
            (.bruker, d.doubles("pc_bruker")!), (.tsl, d.doubles("pc_tsl")!),
            (.oxford, d.doubles("pc_oxford")!), (.emsoft, d.doubles("pc_emsoft_v5_xpc_ypc_L_px")!),
        ]
        for (from, v) in given {
            let det = Detector(
                rows: shape[0], columns: shape[1], pc: PatternCenter(v[0], v[1], v[2]), convention: from,
                binning: d.int("binning")!, pixelSize: d.double("px_size_um")!)
            for (to, w) in given { #expect(close(det.pc(in: to), w), "\(from) → \(to)") }
        }
    }

    /// A non-square, binned detector with an off-centre PC; reference values
    /// computed with kikuchipy 0.13.1 `EBSDDetector(shape=(48, 64), pc=(0.41, 0.23, 0.58),
    /// binning=4, px_size=70).pc_tsl()/pc_oxford()/pc_emsoft()/pc_emsoft(4)`.
    @Test func nonSquareAgainstKikuchipy() {
        let det = Detector(rows: 48, columns: 64, pc: PatternCenter(0.41, 0.23, 0.58), binning: 4, pixelSize: 70)
        #expect(close(det.pc(in: .tsl), [0.41, 0.77, 0.58]))
        #expect(close(det.pc(in: .oxford), [0.41, 0.5775, 0.435]))
        #expect(close(det.pc(in: .emsoft), [23.04, 51.84, 7795.2]))
        #expect(close(det.pc(in: .emsoft4), [-23.04, 51.84, 7795.2]))
        for c in PCConvention.allCases {
            let back = Detector(rows: 48, columns: 64, pc: det.pc(in: c), convention: c, binning: 4, pixelSize: 70).pc()
            #expect(close(back, [0.41, 0.23, 0.58], 1e-12), "round trip through \(c)")
        }
    }

    /// Frames: the detector basis is orthonormal and right-handed; with σ = 70°
    /// X_d stays along sample y and Z_d is 70° from sample x; gnomonic y grows upwards.
    @Test func frames() {
        let det = Detector(rows: 60, columns: 60, pc: PatternCenter(0.5, 0.5, 0.6), sampleTilt: 70)
        let m = det.sampleToDetector
        for i in 0..<3 { for j in 0..<3 { #expect(abs(m[i].dot(m[j]) - (i == j ? 1 : 0)) < 1e-12) } }
        #expect(abs(m[0].cross(m[1]).dot(m[2]) - 1) < 1e-12, "right-handed")
        // Z_d (towards the sample from the screen) after −70° about X_d = sample y.
        #expect((m[0] - Vector3(0, 1, 0)).norm < 1e-12)
        let angleToX = m[2].angle(to: Vector3(1, 0, 0)) * 180 / .pi
        #expect(abs(angleToX - 70) < 1e-9)
        // Gnomonic coordinates of the PC pixel are ~0, and y decreases downwards.
        let c = det.gnomonic(row: 30, column: 30)
        #expect(abs(c.x - 0.5 / 36) < 1e-12 && abs(c.y + 0.5 / 36) < 1e-12)
        #expect(det.gnomonic(row: 0, column: 0).y > det.gnomonic(row: 59, column: 0).y)
    }
}
