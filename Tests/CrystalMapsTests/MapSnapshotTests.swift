import Foundation
import Testing
import TestSupport
@testable import CrystalMaps
@testable import Crystallography

/// The exact map snapshot the pipeline keeps after each step (`.ebsdmap`): a real OIM map (`../shared/data/oim-osc/`)
/// comes back with every number bit for bit (the `.ang` round trip loses digits: the reference for "exact"), the file
/// is the same byte for byte when written again, and a cut, damaged or foreign file is refused with one line.
@Suite(.needsSharedData) struct MapSnapshotTests {
    let dir: String = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-snapshot-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    @Test func everyNumberComesBackExactly() throws {
        var map = try MapFile.read(SharedData.path("data/oim-osc/steel-ferrite-martensite.ang"))
        // rotations that an .ang cannot hold: composed in memory, full float64 precision
        let turn = Rotation(axis: Vector3(1, 2, 3), angle: 0.123456789)
        for i in map.rotations.indices { map.rotations[i] = turn * map.rotations[i] }
        map.properties["score"] = (0..<map.count).map { Float($0) / 7 }
        let path = dir + "/map.ebsdmap"
        try MapFile.write(map, to: path)
        let back = try MapFile.read(path)
        #expect(back.grid == map.grid && back.phases == map.phases && back.metadata == map.metadata)
        #expect(back.phaseIndex == map.phaseIndex && back.properties == map.properties)
        #expect(zip(back.rotations, map.rotations).allSatisfy { $0.q == $1.q }, "every quaternion bit for bit")
        // an .ang keeps 6 decimals of radians: its round trip is not exact (what the snapshot is for)
        try MapFile.write(map, to: dir + "/map.ang")
        let viaAng = try MapFile.read(dir + "/map.ang")
        #expect(zip(viaAng.rotations, map.rotations).contains { $0.q != $1.q })
        try MapFile.write(back, to: dir + "/again.ebsdmap")
        #expect(FileManager.default.contents(atPath: path) == FileManager.default.contents(atPath: dir + "/again.ebsdmap"))
    }

    @Test func cutDamagedAndForeignFilesAreRefused() throws {
        let map = try MapFile.read(SharedData.path("data/oim-osc/steel-ferrite-martensite.ang"))
        let path = dir + "/good.ebsdmap"
        try MapFile.write(map, to: path)
        let good = try #require(FileManager.default.contents(atPath: path))
        var flipped = good
        flipped[good.count / 2] ^= 0x10
        let cases: [(String, Data, String)] = [
            ("flipped.ebsdmap", flipped, "checksum mismatch"),
            ("cut.ebsdmap", good.prefix(good.count - 100), "cut short"),
            ("header.ebsdmap", good.prefix(30), "header is cut or damaged"),
            ("foreign.ebsdmap", Data("# an .ang renamed\n".utf8), "EBSDMAP1 signature"),
            ("empty.ebsdmap", Data(), "EBSDMAP1 signature"),
        ]
        for (name, bytes, said) in cases {
            let p = dir + "/" + name
            try bytes.write(to: URL(fileURLWithPath: p))
            do {
                _ = try MapFile.read(p)
                Issue.record("\(name) was read")
            } catch {
                #expect("\(error)".hasPrefix(p) && "\(error)".contains(said), "\(error)")
            }
        }
    }
}
