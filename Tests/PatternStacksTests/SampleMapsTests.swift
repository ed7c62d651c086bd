import MapSimulation
import EBSDCore
import Foundation
import Testing
import TestSupport
@testable import Crystallography
@testable import CrystalMaps
@testable import DetectorGeometry
@testable import PatternSimulation
@testable import PatternStacks
@testable import Preprocessing

/// The shipped SampleMaps: each stack matches its ground truth, and the
/// generators make the microstructures they promise.
@Suite struct SampleMapsTests {
    static let root = SharedData.packageRoot.appendingPathComponent("SampleMaps").path

    @Test(arguments: ["na-foil-topview", "na-electrodeposit-cross-section", "li-electrodeposit-cross-section"])
    func stackMatchesTruth(_ name: String) throws {
        let dir = (SampleMapsTests.root as NSString).appendingPathComponent(name)
        let stack = try PatternStack.open((dir as NSString).appendingPathComponent("patterns.tif"))
        let truth = try AngFile.read((dir as NSString).appendingPathComponent("truth.ang"))
        #expect(stack.mapRows == truth.grid.rows && stack.mapColumns == truth.grid.columns)
        let phase = truth.phases[0].phase.name
        let mp = try MasterPattern.read(SharedData.packageRoot.appendingPathComponent("MasterPatterns/\(phase)-20kV-kinematical.tif").path)
        let det = Detector(rows: 60, columns: 60, pc: PatternCenter(0.5, 0.5, 0.6))
        let proj = PatternProjector(master: mp, detector: det)
        let pre = Preprocessor(rows: 60, columns: 60, steps: [.dynamicBackground(sigma: 7.5, operation: .subtract)])
        var rng = SplitMix64(seed: 3)
        var wins = 0, checked = 0, sum = 0.0
        for k in stride(from: 0, to: truth.count, by: max(1, truth.count / 40)) where truth.isIndexed(k) {
            let exp = pre.apply(try stack.read(k..<(k + 1)))
            let right = PatternNormalization.ncc(exp, proj.pattern(truth.rotations[k]))
            let wrong = PatternNormalization.ncc(exp, proj.pattern(Rotation.random(using: &rng)))
            checked += 1
            sum += right
            if right > wrong + 0.05 { wins += 1 }
        }
        #expect(checked >= 30)
        #expect(wins == checked, "\(name): truth orientation beats a random one in \(wins)/\(checked)")
        #expect(sum / Double(checked) > 0.2, "\(name): mean NCC with truth \(sum / Double(checked))")
    }

    @Test func columnarDepositGenerator() {
        var g = ColumnarDepositGenerator()
        g.seed = 99
        let r = g.make()
        let grid = r.truth.grid
        // Columnar: every grain touches the interface row and spans most of the height.
        let grains = Set(r.grainOfPixel)
        for gr in grains {
            let rows = Set((0..<grid.count).filter { r.grainOfPixel[$0] == gr }.map { $0 / grid.columns })
            #expect(rows.count >= grid.rows - 1, "grain \(gr) spans \(rows.count) of \(grid.rows) rows")
        }
        // Column widths within 10–150 µm (edge grains may be cut by the map border).
        for gr in grains.sorted().dropFirst().dropLast() {
            let cols = (0..<grid.count).filter { r.grainOfPixel[$0] == gr && $0 / grid.columns == grid.rows / 2 }.count
            let width = Double(cols) * grid.stepX
            #expect(width >= 5 && width <= 160, "grain \(gr) width \(width) µm")
        }
        // Pores only in the bottom rows and not indexed.
        #expect(!r.porePixels.isEmpty)
        for p in r.porePixels { #expect(p / grid.columns >= grid.rows - 6 && !r.truth.isIndexed(p)) }
        // The pseudo-symmetric cluster is exactly 60° about <111> from the truth (Σ3 under m-3m).
        #expect(r.pseudoSymmetricPixels.count == g.pseudoSymmetricPixels)
        for p in r.pseudoSymmetricPixels {
            let a = Orientation(r.truth.rotations[p], .cubicHigh), b = Orientation(r.asIndexed.rotations[p], .cubicHigh)
            let d = a.disorientation(to: b)
            #expect(abs(d.angle * 180 / .pi - 60) < 1e-9)
            #expect((d.axisInSector! - Vector3(1, 1, 1).unit).norm < 1e-9)
        }
        // Wild spikes are isolated and far from their neighbours' orientation.
        #expect(r.wildSpikePixels.count == g.wildSpikes)
        for p in r.wildSpikePixels {
            let right = Orientation(r.asIndexed.rotations[p + 1], .cubicHigh)
            #expect(Orientation(r.asIndexed.rotations[p], .cubicHigh).disorientationAngle(to: right) > 2 * .pi / 180)
        }
    }

    @Test func neighbourAveraging() {
        let npar = NeighbourAveraging()
        // 2 × 3 map of 1-pixel patterns with values 0…5; centre-weighted mean with edge renormalisation.
        let block: [Float] = [0, 1, 2, 3, 4, 5]
        let out = npar.average(block: block, haloRows: 0..<2, rows: 0..<2, mapColumns: 3, patternSize: 1)
        // pixel (0,0): neighbours (0,0)w2,(0,1)w1,(1,0)w1,(1,1)w0.5 → (0·2 + 1 + 3 + 4·0.5)/4.5
        #expect(abs(out[0] - 6 / 4.5) < 1e-6)
        // A constant map stays constant.
        let flat = npar.average(block: [Float](repeating: 7, count: 6), haloRows: 0..<2, rows: 0..<2, mapColumns: 3, patternSize: 1)
        #expect(flat.allSatisfy { abs($0 - 7) < 1e-6 })
    }

    @Test func gaussianBlurPreservesConstantsAndMass() {
        let blur = GaussianBlur(rows: 20, columns: 24, sigma: 2.5)
        #expect(blur.apply([Float](repeating: 3, count: 480)).allSatisfy { abs($0 - 3) < 1e-4 })
        var delta = [Float](repeating: 0, count: 480)
        delta[10 * 24 + 12] = 1
        let b = blur.apply(delta)
        #expect(abs(b.reduce(0, +) - 1) < 1e-4)
        // symmetric about the impulse
        #expect(abs(b[10 * 24 + 10] - b[10 * 24 + 14]) < 1e-6 && abs(b[8 * 24 + 12] - b[12 * 24 + 12]) < 1e-6)
    }
}
