import Foundation
import Testing
import TestSupport
@testable import Crystallography

/// Reflectors, structure factors and wavelengths against diffsims (../shared/golden).
@Suite(.needsSharedData) struct PhaseGoldenTests {
    @Test(arguments: ["Na", "Li", "alpha-Fe", "Al", "Cu", "Ni", "Na2O"])
    func reflectorsMatchDiffsims(_ name: String) throws {
        let file = try SharedData.json("golden/reflectors.json")
        let rec = try #require(file.dict("phases")?.dict(name))
        let phase = try #require(Phase.builtIn(named: name))
        #expect(abs(phase.lattice.a - rec.double("a_nm")!) < 1e-12)
        #expect(phase.spaceGroupNumber == rec.int("space_group"))
        #expect(phase.unitCellAtoms.count == rec.int("n_atoms_unit_cell"))
        let dmin = file.double("d_min_nm")!
        let ours = phase.reflectorFamilies(minimumD: dmin, debyeWaller: false)
        let golden = rec.dicts("families")
        #expect(ours.count == golden.count, "\(name): \(ours.count) families vs \(golden.count)")
        let voltage = file.double("voltage_V")!
        for f in golden {
            let hkl = (f["hkl"] as! [NSNumber]).map { $0.intValue }
            guard let o = ours.first(where: { [$0.h, $0.k, $0.l] == hkl }) else {
                Issue.record("\(name): family \(hkl) missing")
                continue
            }
            #expect(abs(o.d - f.double("d_nm")!) < 1e-6, "\(name) \(hkl) d")
            #expect(o.multiplicity == f.int("multiplicity"), "\(name) \(hkl) multiplicity \(o.multiplicity)")
            let F = f.double("F_lobato")!
            #expect(abs(o.structureFactor - F) <= 0.01 * F, "\(name) \(hkl) |F| \(o.structureFactor) vs \(F)")
            #expect(abs(o.braggAngle(voltage: voltage) - f.double("bragg_angle_rad")!) < 1e-9)
        }
    }

    @Test func wavelengths() throws {
        let misc = try SharedData.json("golden/misc.json")
        for w in misc.dicts("wavelengths") {
            let kv = w.double("kV")!
            #expect(abs(Electron.wavelength(voltage: kv * 1000) - w.double("wavelength_nm")!) < 1e-9)
        }
        let b = misc.dict("bragg_Na_110_20kV")!
        #expect(abs(Phase.sodium.lattice.dSpacing(1, 1, 0) - b.double("d_nm")!) < 1e-9)
        #expect(abs(Electron.braggAngle(d: b.double("d_nm")!, voltage: 20000) - b.double("theta_rad")!) < 1e-9)
    }

    @Test func spaceGroupOrdersAndWyckoffMultiplicities() {
        // Group orders of the conventional cell (point-group order × centring).
        let orders = [1: 1, 2: 2, 139: 32, 189: 12, 194: 24, 221: 48, 225: 192, 227: 192, 229: 96]
        for (n, order) in orders { #expect(SpaceGroup(number: n)?.operations.count == order, "space group \(n)") }
        // Na2O2: Na 3f + 3g, O 2e + 4h → 12 atoms, Z = 3 (Na:O = 1:1).
        let cell = Phase.sodiumPeroxide.unitCellAtoms
        #expect(cell.filter { $0.element == "Na" }.count == 6)
        #expect(cell.filter { $0.element == "O" }.count == 6)
        // Diamond Si on 8a of Fd-3m (origin 2): 8 atoms.
        #expect(SpaceGroup(number: 227)!.equivalentPositions([0.125, 0.125, 0.125]).count == 8)
        // hcp on 2c of P6_3/mmc: 2 atoms; fcc 4a: 4; bcc 2a: 2.
        #expect(SpaceGroup(number: 194)!.equivalentPositions([1.0 / 3, 2.0 / 3, 0.25]).count == 2)
        #expect(Phase.aluminium.unitCellAtoms.count == 4)
        #expect(Phase.sodium.unitCellAtoms.count == 2)
        #expect(Phase.sodiumOxide.unitCellAtoms.count == 12)
    }

    @Test func hexagonalReflectorsAreConsistent() {
        // Na2O2: every member of a family has the family's d-spacing.
        let fams = Phase.sodiumPeroxide.reflectorFamilies(minimumD: 0.1)
        #expect(!fams.isEmpty)
        for f in fams {
            for m in f.members {
                #expect(abs(Phase.sodiumPeroxide.lattice.dSpacing(m[0], m[1], m[2]) - f.d) < 1e-12)
            }
        }
        // The (001) reflection of P-62m is not absent: d = c.
        #expect(fams.contains { $0.h == 0 && $0.k == 0 && $0.l == 1 && abs($0.d - 0.447) < 1e-9 })
    }
}
