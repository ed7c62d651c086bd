import Foundation
import Testing
import TestSupport
@testable import CrystalMaps
@testable import Crystallography

/// Is Python with orix installed? (The round trip through orix runs only then.)
let orixAvailable = pythonModuleAvailable("orix")

/// Writes .ang and .ctf, reads them back with orix (PyPI), and compares orientations.
@Suite(.enabled(if: orixAvailable, "python3 with orix is not installed"))
struct OrixRoundTripTests {
    @Test(arguments: ["ang", "ctf"])
    func orixReadsWhatWeWrite(_ ext: String) throws {
        let m = MapRoundTripTests().sample()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-orix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("map.\(ext)").path
        try MapFile.write(m, to: path)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", SharedData.packageRoot.appendingPathComponent("Tests/Scripts/orix_read_map.py").path, path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let qs = json["q"] as! [[Double]], xs = json["x"] as! [Double], ys = json["y"] as! [Double]
        let ids = json["phase_id"] as! [Int]
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
