import Foundation
import Testing
import EBSDPipeline
import EBSDHDF5
import TestSupport

/// Crystal maps from the instrument HDF5 layouts, the orix writer, non-finite orientations and the
/// EMsoft master pattern.
@Suite(.needsSharedData) struct InstrumentMapTests {
    let dir: URL = {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-h5map-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }()

    /// kikuchipy's Ni file carries orix's crystal map: the same phase and Euler angles as orix reads (expected.json).
    @Test func kikuchipyCrystalMapAsOrixReadsIt() throws {
        let e = try SharedData.json("data/h5/expected.json").dict("files")!.dict("ni_kikuchipy_h5ebsd.h5")!
        let map = try MapFile.read(SharedData.path("data/h5/ni_kikuchipy_h5ebsd.h5"))
        #expect(map.grid.rows == 3 && map.grid.columns == 3)
        #expect(map.phases.map(\.phase.name) == (e["xmap_phases"] as! [String]))
        let want = (e["xmap_euler_rad_first3"] as! [[Double]])
        for k in 0..<3 {
            let eu = map.rotations[k].euler
            let got = Rotation(euler: EulerAngles(want[k][0], want[k][1], want[k][2]))
            #expect(map.rotations[k].isApproximately(got, tolerance: 1e-5), "point \(k): \(eu) vs \(want[k])")
        }
    }

    /// Every layout gives a map of the file's shape whose orientations are the file's Euler angles in the stated
    /// unit (Oxford and EDAX radians, Bruker degrees), point for point in raster order.
    @Test(arguments: [
        ("oxford_dummy.h5oina", "1/EBSD/Data/Euler", 1.0), ("ni_edax_oim.h5", "Scan 1/EBSD/Data/Phi1", 1.0),
        ("bruker_dummy.h5", "Scan 0/EBSD/Data/phi1", Double.pi / 180),
    ])
    func layoutsGiveTheFilesOrientations(_ name: String, _ dataset: String, _ toRadians: Double) throws {
        let path = SharedData.path("data/h5/\(name)")
        let map = try MapFile.read(path)
        let f = try HDF5File(path)
        let v = try f.doubles(dataset)
        let perPoint = v.count / map.count
        for i in 0..<map.count {
            let phi1 = v[i * perPoint] * toRadians
            let r = Rotation(euler: EulerAngles(phi1, map.rotations[i].euler.Phi, map.rotations[i].euler.phi2))
            #expect(r.isApproximately(map.rotations[i], tolerance: 1e-5), "\(name) point \(i)")
        }
        #expect(map.indexedCount == map.count, "\(name): every point of the dummy files is indexed")
    }

    /// Our orix-layout file read back by us, and by orix itself where it is installed.
    @Test func orixLayoutRoundTrip() throws {
        let start = try MapFile.read(
            SharedData.packageRoot.appendingPathComponent("SampleMaps/na-electrodeposit-cross-section/indexed.ang").path)
        let out = dir.appendingPathComponent("map.h5").path
        try MapFile.write(start, to: out)
        let back = try MapFile.read(out)
        #expect(back.grid == start.grid && back.phaseIndex == start.phaseIndex)
        #expect(zip(back.rotations, start.rotations).allSatisfy { $0.isApproximately($1, tolerance: 1e-9) })
        #expect(back.phases.map(\.phase.name) == start.phases.map(\.phase.name) && back.phases[0].phase.laueGroup == .cubicHigh)
    }

    @Test(.enabled(if: PeerPython.has("orix"), "the peer environment (make peers) has no orix: loading our .h5 with orix is skipped"))
    func orixLoadsOurMap() throws {
        let start = try MapFile.read(
            SharedData.packageRoot.appendingPathComponent("SampleMaps/na-electrodeposit-cross-section/indexed.ang").path)
        let out = dir.appendingPathComponent("for-orix.h5").path
        try MapFile.write(start, to: out)
        let script = """
            import sys, json, numpy as np
            from orix import io
            xmap = io.load(sys.argv[1])
            e = xmap.rotations.to_euler()
            print(json.dumps({"shape": list(xmap.shape), "phases": [p.name for _, p in xmap.phases],
                              "indexed": int((xmap.phase_id >= 0).sum()),
                              "euler0": e[0].tolist(), "point_group": [str(p.point_group.name) for i, p in xmap.phases if i >= 0]}))
            """
        let r = try PeerPython.json(["-c", script, out])
        #expect(r.doubles("shape")! == [Double(start.grid.rows), Double(start.grid.columns)])
        #expect(r.int("indexed") == start.indexedCount)
        #expect((r["phases"] as? [String])?.contains("Na") == true)
        let e0 = r.doubles("euler0")!
        #expect(Rotation(euler: EulerAngles(e0[0], e0[1], e0[2])).isApproximately(start.rotations[0], tolerance: 1e-6))
    }

    /// A NaN orientation (h5oina marks points outside the acquisition with NaN) is not indexed, and counted.
    @Test func nonFiniteOrientationsAreNotIndexed() throws {
        let src = try String(
            contentsOfFile: SharedData.packageRoot.appendingPathComponent("SampleMaps/na-deposit.ang").path, encoding: .utf8)
        var lines = src.components(separatedBy: "\n")
        let first = try #require(lines.firstIndex { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        var fields = lines[first].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        fields[0] = "NaN"
        lines[first] = " " + fields.joined(separator: " ")
        let path = dir.appendingPathComponent("nan.ang").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let before = try MapFile.read(SharedData.packageRoot.appendingPathComponent("SampleMaps/na-deposit.ang").path)
        let map = try MapFile.read(path)
        #expect(map.nonFinitePoints == 1 && !map.isIndexed(0))
        #expect(map.indexedCount == before.indexedCount - (before.isIndexed(0) ? 1 : 0))
    }

    /// EMsoft's Ni master from its .h5 equals the TIFF export of the same pixels (kikuchipy's reading), and names Ni.
    @Test func emsoftMasterPatternEqualsTheTIFF() throws {
        let h5 = try MasterPattern.read(SharedData.path("data/ni-master-20kv/ni_mc_mp_20kv_uint8_gzip_opts9.h5"))
        let tif = try MasterPattern.read(SharedData.path("data/ni-master-20kv/lambert_north_south.tif"))
        #expect(h5.size == tif.size && h5.north == tif.north && h5.south == tif.south)
        #expect(h5.description?.phase == "Ni")
        #expect(h5.description?.spaceGroup == 225 && abs((h5.description?.latticeAngstrom[0] ?? 0) - 3.5236) < 1e-4)
    }
}
