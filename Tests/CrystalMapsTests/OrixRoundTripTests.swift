import Foundation
import Testing
import TestSupport
@testable import CrystalMaps
@testable import Crystallography

/// Is Python with orix installed? (The round trip through orix runs only then.)
let orixAvailable = PeerPython.has("orix")

/// Writes .ang and .ctf, reads them back with orix (PyPI), and compares orientations.
@Suite(.enabled(if: orixAvailable, "the peer environment (make peers) has no orix: the round trip through orix is skipped"))
struct OrixRoundTripTests {
    @Test(arguments: ["ang", "ctf"])
    func orixReadsWhatWeWrite(_ ext: String) throws {
        let m = MapRoundTripTests().sample()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-orix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("map.\(ext)").path
        try MapFile.write(m, to: path)
        let json = try PeerPython.json([PeerPython.script("orix_read_map.py"), path])
        let qs = try #require(json["q"] as? [[Double]]), xs = try #require(json.doubles("x")), ys = try #require(json.doubles("y"))
        let ids = try #require(json["phase_id"] as? [Int])
        #expect(qs.count == m.count)
        var worst = 0.0
        for k in 0..<qs.count {
            let col = Int((xs[k] / m.grid.stepX).rounded()), row = Int((ys[k] / m.grid.stepY).rounded())
            let i = m.grid.index(row: row, column: col)
            let q = qs[k]
            let theirs = Rotation(Quaternion(q[0], q[1], q[2], q[3]))
            worst = max(worst, theirs.angle(to: m.rotations[i]))
            #expect(
                (ids[k] >= 0 ? ids[k] - 1 : -1) == Int(m.phaseIndex[i]) || (ids[k] == -1 && m.phaseIndex[i] == -1), "phase at \(row),\(col)"
            )
        }
        #expect(worst < 1e-5, "worst \(worst) rad")
    }
}
