import Foundation
import Testing
import TestSupport
@testable import CrystalMaps
@testable import Crystallography

/// DREAM.3D's EbsdLib test files (`../shared/data/ebsdlib-testfiles/`): what each gives here, beside what EbsdLib's
/// own tests (`CtfReaderTest.cpp`, `AngImportTest.cpp`) require of it.
@Suite(.needsSharedData) struct EbsdLibEdgeCaseTests {
    static func path(_ name: String) -> String { SharedData.path("data/ebsdlib-testfiles/\(name)") }

    /// Files refused with one line naming the file and the reason. EbsdLib refuses the same files (error codes
    /// −110, −105, −103, −400, and a short .ang), except the 3-D `.ctf`, which it reads as 5 × 5 × 5 cells.
    @Test(arguments: [
        ("Corrupted_XCells.ctf", "123456789123456789 columns"), ("ShortFile.ctf", "found 2"), ("ZeroXYCells.ctf", "0 rows"),
        ("Test_European_2.ctf", "3-D map (ZCells 5)"), ("HexHeader.ang", "hexagonal grid"), ("ShortFile.ang", "found 88 data lines"),
        ("Test_HeaderCache-1.ang", "no data lines"),
    ])
    func refused(_ name: String, _ mention: String) throws {
        do {
            _ = try MapFile.read(Self.path(name))
            Issue.record("\(name) was read")
        } catch {
            let message = "\(error)"
            #expect(message.contains(Self.path(name)) && message.contains(mention), "\(message)")
            #expect(!message.contains("\n"), "one line: \(message)")
        }
    }

    /// The European file is the US file with decimal commas: the same map, point for point, and EbsdLib's checks
    /// (steps 0.5, lattice 3.231/3.231/5.148 Å and 120°, the second point's Euler angles 103.85°, 40.207°, 29.394°).
    @Test func europeanDecimalCommasReadAsTheUSFile() throws {
        let eu = try MapFile.read(Self.path("Test_European_1.ctf")), us = try MapFile.read(Self.path("Test_US_1.ctf"))
        #expect(eu.metadata[CtfFile.decimalSeparatorKey] == "comma" && us.metadata[CtfFile.decimalSeparatorKey] == nil)
        #expect(eu.grid.stepX == 0.5 && eu.grid.stepY == 0.5 && eu.grid.rows == 5 && eu.grid.columns == 40)
        let l = eu.phases[0].phase.lattice
        #expect(abs(l.a * 10 - 3.231) < 1e-9 && abs(l.c * 10 - 5.148) < 1e-9 && abs(l.gamma * 180 / .pi - 120) < 1e-9)
        let e = eu.rotations[1].euler
        let degrees = [e.phi1, e.Phi, e.phi2].map { $0 * 180 / .pi }
        for (got, want) in zip(degrees, [103.85, 40.207, 29.394]) { #expect(abs(got - want) < 1e-6, "\(degrees)") }
        #expect(eu.phaseIndex == us.phaseIndex)
        for i in 0..<eu.count { #expect(eu.rotations[i].angle(to: us.rotations[i]) < 1e-12) }
        #expect(eu.properties == us.properties)
        #expect(try MapFile.read(Self.path("Test_US_2.ctf")).phases.count == 5)
    }

    /// Written back as the file had it (commas), or with points when asked; both read back to the same map.
    @Test func europeanFileWrittenBackWithItsSeparator() throws {
        var map = try MapFile.read(Self.path("Test_European_1.ctf"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ctf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let comma = dir.appendingPathComponent("comma.ctf").path, point = dir.appendingPathComponent("point.ctf").path
        try MapFile.write(map, to: comma)
        map.metadata[CtfFile.decimalSeparatorKey] = CtfFile.DecimalSeparator.point.rawValue
        try MapFile.write(map, to: point)
        let commaText = try String(contentsOfFile: comma, encoding: .utf8), pointText = try String(contentsOfFile: point, encoding: .utf8)
        #expect(commaText.contains("XStep\t0,5000\r\n") && commaText.contains("3,2310;3,2310;5,1480\t90,000;90,000;120,000"))
        #expect(pointText.contains("XStep\t0.5000\r\n") && !pointText.split(separator: "\n").dropFirst(3).joined().contains(","))
        let a = try MapFile.read(comma), b = try MapFile.read(point)
        #expect(a.metadata[CtfFile.decimalSeparatorKey] == "comma" && b.metadata[CtfFile.decimalSeparatorKey] == nil)
        #expect(a.phaseIndex == map.phaseIndex && b.phaseIndex == map.phaseIndex)
        for i in 0..<map.count {
            #expect(a.rotations[i].angle(to: map.rotations[i]) < 1e-6 && b.rotations[i].angle(to: map.rotations[i]) < 1e-6)
        }
    }

    /// EbsdLib refuses `.ang` files without the grid lines (−300) or the step and size lines (−110); every point's
    /// x and y are in the file, so the map is rebuilt from them: the same map as the complete `Test_1.ang`.
    @Test(arguments: ["GridMissing.ang", "MissingHeader_1.ang"])
    func angWithoutGridLinesIsRebuiltFromCoordinates(_ name: String) throws {
        let full = try MapFile.read(Self.path("Test_1.ang")), partial = try MapFile.read(Self.path(name))
        #expect(full.grid.rows == 4 && full.grid.columns == 40 && full.grid.stepX == 0.25)
        #expect(partial.grid == full.grid)
        #expect(partial.phaseIndex == full.phaseIndex && partial.properties == full.properties)
        #expect(full.indexedCount == 0, "every point of Test_1.ang has CI −1")
    }
}
