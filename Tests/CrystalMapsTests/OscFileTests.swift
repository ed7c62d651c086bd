import Foundation
import Testing
import TestSupport
@testable import CrystalMaps
@testable import Crystallography

/// OIM's binary `.osc` against the `.ang` OIM wrote of the same scan (`../shared/data/oim-osc/`): every point, at
/// the `.ang`'s own precision (its Euler angles have 5 decimals in radians, so the two can differ by 5·10⁻⁶ rad =
/// 2.9·10⁻⁴° from rounding alone; IQ 1 decimal, CI and fit 3).
@Suite(.needsSharedData) struct OscFileTests {
    static let osc = SharedData.path("data/oim-osc/steel-ferrite-martensite.osc")
    static let ang = SharedData.path("data/oim-osc/steel-ferrite-martensite.ang")

    @Test func everyPointAsTheAngHasIt() throws {
        let o = try MapFile.read(Self.osc), a = try MapFile.read(Self.ang)
        #expect(o.grid == a.grid && o.grid.rows == 31 && o.grid.columns == 29 && abs(o.grid.stepX - 0.1) < 1e-7)
        #expect(o.phases.count == 1 && o.phases[0].phase.name == "Ferrite" && o.phases[0].phase.formula == "Fe")
        #expect(o.phases[0].phase.laueGroup == .cubicHigh && abs(o.phases[0].phase.lattice.a * 10 - 2.87) < 1e-6)
        #expect(o.phaseIndex == a.phaseIndex && o.indexedCount == 899)
        var worstEuler = 0.0, worstAngle = 0.0
        for i in 0..<o.count {
            let e = o.rotations[i].euler, f = a.rotations[i].euler
            worstEuler = max(worstEuler, abs(e.phi1 - f.phi1), abs(e.Phi - f.Phi), abs(e.phi2 - f.phi2))
            worstAngle = max(worstAngle, o.rotations[i].angle(to: a.rotations[i]))
        }
        #expect(worstEuler <= 5.0e-6 + 1e-9, "largest Euler difference \(worstEuler) rad")
        #expect(worstAngle * 180 / .pi < 1e-3, "largest rotation difference \(worstAngle * 180 / .pi)°")
        for (name, decimals) in [(MapProperty.confidenceIndex, 3.0), (MapProperty.imageQuality, 1), (MapProperty.fit, 3)] {
            let ov = try #require(o.properties[name]), av = try #require(a.properties[name])
            let scale = pow(10, decimals)
            let differing = (0..<o.count).filter { (Double(ov[$0]) * scale).rounded() != (Double(av[$0]) * scale).rounded() }
            #expect(differing.isEmpty, "\(name): \(differing.count) points differ, first \(differing.prefix(3))")
        }
        for key in ["x-star", "y-star", "z-star", "workingdistance"] {
            #expect(Double(o.metadata[key] ?? "") == Double(a.metadata[key] ?? "x"), "\(key): \(o.metadata[key] ?? "none")")
        }
    }

    /// Damaged files: cut short anywhere, or with bytes changed in the preamble, the phase block and the data block,
    /// each gives one line naming the file (or reads, where the change leaves a valid file) and never crashes.
    @Test func damagedFilesGiveOneLine() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.osc))
        var damaged: [Data] = [48, 2000, 2100, 6320, 20_000, whole.count - 1].map { whole.prefix($0) }
        for (offset, byte) in [(24, UInt8(0xFF)), (1997, 0x7F), (2008, 0x40), (6316, 0x00), (6324, 0xFF), (6325, 0xFF)] {
            var d = whole
            d[offset] = byte
            damaged.append(d)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var refused = 0
        for (k, d) in damaged.enumerated() {
            let path = dir.appendingPathComponent("d\(k).osc").path
            try d.write(to: URL(fileURLWithPath: path))
            do { _ = try MapFile.read(path) } catch {
                refused += 1
                #expect("\(error)".contains(path) && !"\(error)".contains("\n"), "\(error)")
            }
        }
        #expect(refused >= 6, "every truncated file is refused: \(refused) of \(damaged.count) refused")
    }
}
