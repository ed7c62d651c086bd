import EBSDCore
import Foundation
import Testing
import Crystallography
import CrystalMaps
import Texture
import TestSupport

let orixAvailable = PeerPython.has("orix")

/// Texture statistics against geometry, random samples and orix.
@Suite struct TextureTests {
    /// Uniformly random rotations (seeded).
    static func randomRotations(_ n: Int, seed: UInt64) -> [Rotation] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in Rotation.random(using: &rng) }
    }

    /// The Mackenzie curve of m-3m: the known landmarks (mode 45°, largest disorientation 62.8°) and a large random
    /// sample (300 000 pairs of random orientations: their disorientation-angle histogram within 5 standard errors of
    /// the curve in every 1° bin).
    @Test func mackenzieCubic() throws {
        let curve = MackenzieDistribution(laueGroup: .cubicHigh, binWidthDegrees: 0.25)
        print(String(format: "m-3m Mackenzie: mode %.2f°, maximum %.2f°", curve.modeDegrees, curve.maximumDegrees))
        #expect(abs(curve.modeDegrees - 45) <= 0.5 && abs(curve.maximumDegrees - 62.8) <= 0.3)
        #expect(abs(curve.density.reduce(0, +) * curve.binWidthDegrees - 1) < 1e-9)
        let n = 300_000
        let a = Self.randomRotations(n, seed: 11), b = Self.randomRotations(n, seed: 12)
        let angles = (0..<n).map { LaueGroup.cubicHigh.disorientationAngle(b[$0].q * a[$0].q.conjugate) * 180 / .pi }
        let sample = MisorientationDistribution(kind: .uncorrelated, laueGroup: .cubicHigh, binWidthDegrees: 1, angles: angles)
        var worst = 0.0
        for bin in 0..<63 {
            // the curve's mean over the 1° bin (four 0.25° bins)
            let expected = (0..<4).map { curve.density[4 * bin + $0] }.reduce(0, +) / 4 * Double(n)
            let z = expected > 0 ? abs(Double(sample.counts[bin]) - expected) / expected.squareRoot() : Double(sample.counts[bin])
            worst = max(worst, z)
        }
        print(String(format: "m-3m Mackenzie vs 300 000 random pairs: largest deviation %.2f standard errors", worst))
        #expect(worst < 5)
        #expect(sample.counts[63...].reduce(0, +) == 0)
    }

    /// Other groups' largest disorientation angles: 6/mmm 93.84°, 4/mmm 98.42°, mmm 120°.
    @Test func mackenzieOtherGroups() throws {
        for (group, maximum) in [(LaueGroup.hexagonalHigh, 93.84), (.tetragonalHigh, 98.42), (.orthorhombic, 120.0)] {
            let curve = MackenzieDistribution(laueGroup: group, binWidthDegrees: 0.25, axisCount: 8_000)
            print(String(format: "%@ Mackenzie maximum %.2f° (expected %.2f°)", group.symbol, curve.maximumDegrees, maximum))
            #expect(abs(curve.maximumDegrees - maximum) <= 0.5, "\(group.symbol)")
        }
    }

    /// A random texture gives 1 MUD everywhere (within the counting noise), with either kernel and projection.
    @Test func uniformIsOneMUD() throws {
        let rotations = Self.randomRotations(100_000, seed: 3)
        for (kernel, projection) in [
            (SphericalKernel(.gaussian, halfWidthDegrees: 10), PoleFigure.Projection.equalArea),
            (SphericalKernel(.delaValleePoussin, halfWidthDegrees: 10), .stereographic),
        ] {
            let pf = PoleFigure(orientations: rotations, phase: .nickel, hkl: (1, 1, 1))
            #expect(pf.crystalPoles.count == 4 && pf.poles.count == 400_000)
            let d = pf.density(size: 60, projection: projection, kernel: kernel).filter { $0.isFinite }
            let mean = d.reduce(0, +) / Double(d.count)
            print(
                String(
                    format: "%@ %@: MUD mean %.3f, range %.3f to %.3f", kernel.shape.rawValue, projection.rawValue, mean, d.min()!,
                    d.max()!))
            #expect(d.allSatisfy { abs($0 - 1) < 0.05 })
        }
    }

    /// A textured sample (a Goss component, Gaussian rotation vectors of 20° per axis, 300 000 orientations), {100}
    /// poles, Gaussian σ = 3°:
    /// our density against orix 0.15's `pole_density_function` on the same poles, at orix's bin centres where the
    /// density is above half its maximum: within 2 %.
    @Test(.enabled(if: orixAvailable, "the peer environment (make peers) has no orix: the pole density comparison is skipped"))
    func poleDensityAgainstOrix() throws {
        var rng = SplitMix64(seed: 5)
        let component = Rotation(euler: EulerAngles(0, 45 * .pi / 180, 0))
        let spread = 40 * Double.pi / 180
        func normal() -> Double { (-2 * log(rng.unitOpen())).squareRoot() * cos(2 * .pi * rng.unitOpen()) }
        // an isotropic Gaussian rotation vector (no cusp at the component, unlike a random axis with a Gaussian angle)
        let rotations = (0..<300_000).map { _ -> Rotation in
            Rotation(rotationVector: Vector3(normal(), normal(), normal()) * (spread / 2)) * component
        }
        let pf = PoleFigure(orientations: rotations, phase: .nickel, hkl: (1, 0, 0))
        let sigma = 3.0
        let size = 200
        let ours = pf.density(size: size, kernel: SphericalKernel(.gaussian, halfWidthDegrees: sigma * (2 * log(2.0)).squareRoot()))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("poles-\(ProcessInfo.processInfo.processIdentifier).bin")
        defer { if ProcessInfo.processInfo.environment["KEEP_POLES"] == nil { try? FileManager.default.removeItem(at: file) } }
        try pf.poles.flatMap { [$0.x, $0.y, $0.z] }.withUnsafeBytes { Data($0) }.write(to: file)
        let script = SharedData.packageRoot.appendingPathComponent("Benchmarks/peers/orix_pdf_peer.py").path
        let json = try PeerPython.json([script, file.path, "1", "\(sigma)"])
        let az = try #require(json.doubles("azimuth")), po = try #require(json.doubles("polar"))
        let theirs = try #require(json["mrd"] as? [Any]).map { ($0 as? NSNumber)?.doubleValue ?? .nan }
        let top = theirs.filter { $0.isFinite }.max()!
        var differences: [Double] = []
        for k in theirs.indices where theirs[k].isFinite && theirs[k] > top / 2 && po[k] > 0.1 && po[k] < 1.45 {
            let v = Vector3(sin(po[k]) * cos(az[k]), sin(po[k]) * sin(az[k]), cos(po[k]))
            // bilinear between our pixel centres
            let p = PoleFigure.Projection.equalArea.point(v)
            let fx = (p.x + 1) / 2 * Double(size) - 0.5, fy = (1 - p.y) / 2 * Double(size) - 0.5
            let c0 = Int(fx), r0 = Int(fy), tx = fx - Double(c0), ty = fy - Double(r0)
            guard c0 >= 0, r0 >= 0, c0 + 1 < size, r0 + 1 < size else { continue }
            let corners = [ours[r0 * size + c0], ours[r0 * size + c0 + 1], ours[(r0 + 1) * size + c0], ours[(r0 + 1) * size + c0 + 1]]
            guard corners.allSatisfy({ $0.isFinite }) else { continue }
            let value = (1 - ty) * ((1 - tx) * corners[0] + tx * corners[1]) + ty * ((1 - tx) * corners[2] + tx * corners[3])
            differences.append(abs(value / theirs[k] - 1))
        }
        differences.sort()
        let compared = differences.count, worst = differences.last ?? 1
        let typical = differences[compared / 2], p95 = differences[compared * 95 / 100]
        print(
            String(
                format: "{100} density vs orix: %d bins above half the maximum (%.2f MRD), differences median %.2f %%, 95th "
                    + "percentile %.2f %%, largest %.2f %%", compared, top, 100 * typical, 100 * p95, 100 * worst))
        #expect(compared > 100 && p95 < 0.02 && worst < 0.05)
    }

    /// Correlated and uncorrelated distributions of a map: neighbours inside grains are close, random pairs of a
    /// random-texture map follow the Mackenzie curve.
    @Test func mapDistributions() throws {
        let rows = 60, cols = 60
        let grains = Self.randomRotations(36, seed: 9)
        var rotations: [Rotation] = []
        for r in 0..<rows { for c in 0..<cols { rotations.append(grains[(r / 10) * 6 + c / 10]) } }
        let map = CrystalMap(
            grid: MapGrid(rows: rows, columns: cols, stepX: 1, stepY: 1), phases: [MapPhase(id: 1, phase: .nickel)],
            phaseIndex: [Int32](repeating: 0, count: rows * cols), rotations: rotations, properties: [:])
        let all = MisorientationDistribution.correlated(map, phase: 0, minimumDegrees: 0)
        #expect(all.total == 2 * rows * cols - rows - cols)
        // 10 × 10-pixel grains: 2 · 5 · 60 neighbour pairs cross a grain boundary, the rest are inside grains (0°)
        let across = 2 * 5 * cols
        #expect(all.counts[0] == all.total - across)
        let boundaries = MisorientationDistribution.correlated(map, phase: 0)
        #expect(boundaries.total <= across && boundaries.total >= across - 2 * rows)
        let uncorrelated = MisorientationDistribution.uncorrelated(map, phase: 0, pairs: 20_000, seed: 2)
        #expect(uncorrelated.total == 20_000 && uncorrelated.counts[63...].reduce(0, +) == 0)
    }
}
