import EBSDCore
import Foundation
import Testing
import Crystallography
import CrystalMaps
import Grains

/// Coincidence-site-lattice boundaries, Brandon's criterion, GROD and GOS.
@Suite struct SpecialBoundaryTests {
    /// The generated cubic CSL relations up to Σ29 against the standard table (angle, axis of the disorientation;
    /// e.g. Grimmer, Bollmann & Warrington 1974; Randle, The Measurement of Grain Boundary Geometry, 1993).
    @Test func cubicRelationsMatchTheTable() throws {
        let table: [(String, Double, (Double, Double, Double))] = [
            ("Σ3", 60.00, (1, 1, 1)), ("Σ5", 36.87, (1, 0, 0)), ("Σ7", 38.21, (1, 1, 1)), ("Σ9", 38.94, (1, 1, 0)),
            ("Σ11", 50.48, (1, 1, 0)), ("Σ13a", 22.62, (1, 0, 0)), ("Σ13b", 27.80, (1, 1, 1)), ("Σ15", 48.19, (2, 1, 0)),
            ("Σ17a", 28.07, (1, 0, 0)), ("Σ17b", 61.93, (2, 2, 1)), ("Σ19a", 26.53, (1, 1, 0)), ("Σ19b", 46.83, (1, 1, 1)),
            ("Σ21a", 21.79, (1, 1, 1)), ("Σ21b", 44.42, (2, 1, 1)), ("Σ23", 40.45, (3, 1, 1)), ("Σ25a", 16.26, (1, 0, 0)),
            ("Σ25b", 51.68, (3, 3, 1)), ("Σ27a", 31.59, (1, 1, 0)), ("Σ27b", 35.43, (2, 1, 0)), ("Σ29a", 43.60, (1, 0, 0)),
            ("Σ29b", 46.40, (2, 2, 1)),
        ]
        let csl = CoincidenceSiteLattice(maximumSigma: 29)
        #expect(csl.relations.map(\.label) == table.map(\.0))
        for (rel, (label, angle, axis)) in zip(csl.relations, table) {
            #expect(abs(rel.angleDegrees - angle) < 0.01, "\(label): \(rel.angleDegrees)°")
            // the axis up to cubic symmetry: compare sorted absolute components of the unit axis
            let a = rel.rotation.axisAngle.axis
            let ours = [abs(a.x), abs(a.y), abs(a.z)].sorted(),
                theirs = [axis.0, axis.1, axis.2].map { $0 / (axis.0 * axis.0 + axis.1 * axis.1 + axis.2 * axis.2).squareRoot() }.sorted()
            #expect(zip(ours, theirs).allSatisfy { abs($0 - $1) < 1e-6 }, "\(label): axis \(a)")
        }
    }

    /// Brandon's criterion on the twin: 60°⟨111⟩ tilted away by 8° is still Σ3 (tolerance 8.66°), by 9.5° not; the
    /// classification does not depend on which symmetric equivalent the misorientation is written as.
    @Test func brandonCriterion() throws {
        let csl = CoincidenceSiteLattice()
        let twin = Rotation(axis: Vector3(1, 1, 1).unit, angle: .pi / 3)
        let tilt = { (deg: Double) in Rotation(axis: Vector3(1, -1, 0).unit, angle: deg * .pi / 180) * twin }
        #expect(csl.classify(tilt(8).q)?.label == "Σ3")
        #expect(csl.classify(tilt(9.5).q)?.label != "Σ3")
        var rng = SplitMix64(seed: 4)
        for _ in 0..<20 {
            let s1 = LaueGroup.cubicHigh.properOperators[Int(rng.next() % 24)],
                s2 = LaueGroup.cubicHigh.properOperators[Int(rng.next() % 24)]
            #expect(csl.classify((s1 * tilt(5) * s2).q)?.label == "Σ3")
        }
        #expect(csl.classify(Rotation(axis: Vector3(1, 0, 0), angle: 5 * .pi / 180).q) == nil)
    }

    /// A map of two grains related by a Σ3 twin, the left grain with a small orientation gradient: every grain-boundary
    /// edge is Σ3 (100 % of the HAGB length, in the statistics JSON), and GROD/GOS follow the gradient.
    @Test func twinMapAndGROD() throws {
        let rows = 20, cols = 40
        let parent = Rotation(euler: EulerAngles(0.3, 0.5, 0.7))
        let twin = Rotation(axis: Vector3(1, 1, 1).unit, angle: .pi / 3) * parent
        var rotations: [Rotation] = []
        for _ in 0..<rows {
            for c in 0..<cols {
                // left grain: 0.05° per column about x (a 0.95° gradient), right grain: the twin
                rotations.append(c < cols / 2 ? Rotation(axis: Vector3(1, 0, 0), angle: Double(c) * 0.05 * .pi / 180) * parent : twin)
            }
        }
        let map = CrystalMap(
            grid: MapGrid(rows: rows, columns: cols, stepX: 0.5, stepY: 0.5), phases: [MapPhase(id: 1, phase: .nickel)],
            phaseIndex: [Int32](repeating: 0, count: rows * cols), rotations: rotations, properties: [:])
        let analysis = try GrainAnalysis(map)
        #expect(analysis.grains.grains.count == 2)
        let sigma3 = try #require(analysis.specialBoundaries.first { $0.label == "Σ3" })
        #expect(abs(sigma3.lengthMicrons - Double(rows) * 0.5) < 1e-9 && abs(sigma3.fractionOfHAGB - 1) < 1e-9)
        #expect(try analysis.json(source: "twin").contains("\"Σ3\""))
        let grod = analysis.grains.grod, gos = analysis.grains.gos
        // the left grain's mean sits mid-gradient: GROD 0.475° at its edges, ~0 in the middle; the twin grain is uniform
        #expect(abs(grod[0] - 0.475) < 0.03 && grod[cols / 4] < 0.03 && grod[cols - 1] < 1e-6)
        let left = analysis.grains.grains[Int(analysis.grains.labels[0])]
        #expect(abs(gos[0] - left.orientationSpread) < 1e-12 && abs(left.orientationSpread - 0.25) < 0.03)
    }
}
