import EBSDCore
import Foundation
import Testing
import TestSupport
@testable import CrystalMaps
@testable import Crystallography

/// Readers on the real files in ../shared/data/maps against orix's numbers in ../shared/golden/maps.
@Suite(.needsSharedData) struct MapGoldenTests {
    func check(_ file: String, _ goldenName: String) throws {
        let golden = try SharedData.json("golden/maps/\(goldenName)")
        let map = try AngFile.read(SharedData.path("data/maps/\(file)"))
        let shape = golden["shape_rows_cols"] as! [NSNumber]
        #expect(map.grid.rows == shape[0].intValue && map.grid.columns == shape[1].intValue)
        #expect(abs(map.grid.stepX - golden.double("step_x")!) < 1e-9 && abs(map.grid.stepY - golden.double("step_y")!) < 1e-9)
        #expect(abs(map.indexedFraction - golden.double("fraction_indexed")!) < 1e-12)
        // Phase counts by file id.
        let counts = golden.dict("phase_id_counts")!
        for (id, c) in counts {
            let n = (c as! NSNumber).intValue
            if id == "-1" {
                #expect(map.count - map.indexedCount == n)
            } else {
                let idx = try #require(map.phases.firstIndex { $0.id == Int(id)! })
                #expect(map.phaseCounts[idx] == n, "phase \(id)")
            }
        }
        for p in golden.dicts("phases") where p.int("id")! >= 0 {
            let mp = try #require(map.phases.first { $0.id == p.int("id")! })
            #expect(p.string("point_group") == mp.phase.laueGroup.properGroupSymbol)
            let abc = p.doubles("lattice_abcABG")!
            #expect(abs(mp.phase.lattice.a * 10 - abc[0]) < 1e-9)
        }
        for px in golden.dicts("pixels") {
            let r = px.int("row")!, c = px.int("col")!
            let i = map.grid.index(row: r, column: c)
            #expect(abs(map.grid.x(column: c) - px.double("x")!) < 1e-9 && abs(map.grid.y(row: r) - px.double("y")!) < 1e-9)
            #expect(map.isIndexed(i) == px.bool("is_indexed")!, "pixel \(r),\(c)")
            if map.isIndexed(i) { #expect(map.phases[Int(map.phaseIndex[i])].id == px.int("phase_id")!) }
            let q = px.doubles("q_orix")!
            #expect(
                map.rotations[i].isApproximately(Rotation(unchecked: Quaternion(q[0], q[1], q[2], q[3])), tolerance: 1e-9),
                "pixel \(r),\(c) rotation")
            #expect(abs(Double(map.properties[MapProperty.confidenceIndex]![i]) - px.double("ci")!) < 1e-6)
            #expect(abs(Double(map.properties[MapProperty.imageQuality]![i]) - px.double("iq")!) < 1e-4)
        }
    }

    @Test func duplexSteelAng() throws { try check("sdss_ferrite_austenite.ang", "sdss_ferrite_austenite.json") }
    @Test func outOfOrderIN100Ang() throws { try check("in100_ni_out_of_order.ang", "in100_out_of_order.json") }

    @Test func oxfordCprCrc() throws {
        let map = try OxfordBinaryFile.read(SharedData.path("data/maps/ni-superalloy-oxford/testDataEBSD.cpr"))
        #expect(map.grid.columns == 359 && map.grid.rows == 243)
        #expect(abs(map.grid.stepX - 0.12) < 1e-12)
        #expect(map.phases.count == 1 && map.phases[0].phase.laueGroup == .cubicHigh)
        // The .cpr's own [Job] Coverage=94.1 (%) is the indexed fraction.
        #expect(abs(map.indexedFraction * 100 - 94.1) < 0.1, "indexed \(map.indexedFraction)")
        // Physical sanity: Euler angles within their ranges, MAD small for indexed points.
        let mad = map.properties[MapProperty.meanAngularDeviation]!
        var madSum = 0.0
        for i in 0..<map.count where map.isIndexed(i) { madSum += Double(mad[i]) }
        let meanMAD = madSum / Double(map.indexedCount)
        #expect(meanMAD > 0.1 && meanMAD < 2.0, "mean MAD \(meanMAD)°")
    }
}

@Suite struct MapRoundTripTests {
    func sample() -> CrystalMap {
        let g = MapGrid(rows: 7, columns: 9, stepX: 0.5, stepY: 0.5)
        var rng = SplitMix64(seed: 2026)  // reproducible draws
        var rot: [Rotation] = [], ph: [Int32] = [], ci: [Float] = []
        for i in 0..<g.count {
            rot.append(
                Rotation(
                    Quaternion(
                        Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng),
                        Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng))))
            ph.append(i % 11 == 0 ? -1 : Int32(i % 2))
            ci.append(Float.random(in: 0...1, using: &rng))
        }
        return CrystalMap(
            grid: g, phases: [MapPhase(id: 1, phase: .sodium), MapPhase(id: 2, phase: .sodiumPeroxide)],
            phaseIndex: ph, rotations: rot,
            properties: [
                MapProperty.confidenceIndex: ci, MapProperty.imageQuality: ci, MapProperty.meanAngularDeviation: ci,
                MapProperty.bands: ci.map { ($0 * 10).rounded() },
            ])
    }

    @Test(arguments: ["ang", "ctf"])
    func writeThenRead(_ ext: String) throws {
        let m = sample()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-rt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("map.\(ext)").path
        try MapFile.write(m, to: path)
        let back = try MapFile.read(path)
        #expect(back.grid.rows == m.grid.rows && back.grid.columns == m.grid.columns)
        #expect(back.phases.map { $0.phase.laueGroup } == [.cubicHigh, .hexagonalHigh])
        #expect(back.phaseIndex == m.phaseIndex)
        var worst = 0.0
        for i in 0..<m.count { worst = max(worst, m.rotations[i].angle(to: back.rotations[i])) }
        #expect(worst < 1e-5, "worst rotation error \(worst) rad")
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["map.\(ext)"])
    }

    /// The `.ang` CI column holds a matched map's NCC (`score`) and says so in its header, so a map read back keeps
    /// the NCC as `score`; a map without an NCC keeps its Hough `ci` in the column and reads it back as `ci`.
    @Test func angCIColumnKeepsNCCApartFromCI() throws {
        var m = sample()
        let ncc = (0..<m.count).map { Float($0 % 7) / 10 }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ci-\(UUID().uuidString).ang").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try MapFile.write(m, to: path)
        var back = try MapFile.read(path)
        #expect(back.properties[MapProperty.score] == nil)
        let ci = m.properties[MapProperty.confidenceIndex]!
        for i in 0..<m.count where m.isIndexed(i) { #expect(abs(back.properties[MapProperty.confidenceIndex]![i] - ci[i]) < 1e-4) }
        m.properties[MapProperty.score] = ncc
        try MapFile.write(m, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("# CI_COLUMN: ncc\n"))
        back = try MapFile.read(path)
        #expect(back.properties[MapProperty.confidenceIndex] == nil)
        for i in 0..<m.count where m.isIndexed(i) { #expect(abs(back.properties[MapProperty.score]![i] - ncc[i]) < 1e-4) }
    }
}

/// Inputs the fuzzer found (Fuzz/crashes/): each one crashed a reader (a huge number converted to
/// an integer); now each is a clean error naming the file and line.
@Suite struct MapFuzzerFindings {
    /// Each reader's findings: `.ang` and `.ctf` ones must fail (with the named text); the `.osc` ones (a phase id too
    /// large for an integer trapped in its conversion) may read, or fail with one line naming the file.
    @Test(arguments: [("ang", "NROWS" as String?), ("ctf", "outside the"), ("osc", nil)])
    func crashInputsAreCleanErrors(reader: String, mention: String?) throws {
        let folder = SharedData.packageRoot.appendingPathComponent("Fuzz/crashes/\(reader)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("crash-") }
        #expect(!files.isEmpty)
        for f in files {
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString).\(reader)")
            try FileManager.default.copyItem(at: folder.appendingPathComponent(f), to: copy)
            defer { try? FileManager.default.removeItem(at: copy) }
            do {
                _ = try MapFile.read(copy.path)
                if mention != nil { Issue.record("\(f) should fail") }
            } catch {
                let text = "\(error)"
                #expect(text.contains(mention ?? "") && text.contains(copy.path) && !text.contains("\n"), "\(f): \(error)")
            }
        }
    }
}
