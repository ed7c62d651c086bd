import EBSDCore
import Foundation
import Testing
import TestSupport
@testable import Crystallography
@testable import PatternSimulation
@testable import Preprocessing

@Suite(.needsSharedData) struct MasterPatternTests {
    /// Our kinematical Na and Li master patterns against kikuchipy's (same grid,
    /// NCC over both hemispheres; the square-Lambert grid is equal-area, so this is
    /// the NCC over the sphere). kikuchipy weights bands by |F| (linear scaling) with
    /// International-Tables scattering factors and no Debye–Waller damping, so the
    /// like-for-like comparison uses our |F| mode without Debye–Waller; our default
    /// |F|² weighting is reported beside it.
    @Test(arguments: [("Na", "na_20kV"), ("Li", "li_20kV")])
    func kinematicalMatchesKikuchipy(_ name: String, _ file: String) throws {
        let theirs = try MasterPattern.read(SharedData.path("dev/kikuchipy-kinematical-master-patterns/\(file)_lambert_north_south.tif"))
        var sim = KinematicalSimulator(phase: Phase.builtIn(named: name)!, voltageKV: 20)
        sim.intensity = .structureFactor
        sim.debyeWaller = false
        let like = sim.masterPattern(size: theirs.size)
        let ncc = PatternNormalization.ncc(like.north + like.south, theirs.north + theirs.south)
        #expect(ncc >= 0.9, "\(name): NCC \(ncc)")
        sim.intensity = .structureFactorSquared
        sim.debyeWaller = true
        let ours = sim.masterPattern(size: theirs.size)
        let nccDefault = PatternNormalization.ncc(ours.north + ours.south, theirs.north + theirs.south)
        #expect(nccDefault >= 0.75, "\(name) default |F|² weighting: NCC \(nccDefault)")
        print(
            "\(name) master pattern NCC vs kikuchipy: |F| \(String(format: "%.4f", ncc)), default |F|² with DW "
                + "\(String(format: "%.4f", nccDefault))"
        )
    }

    @Test func lambertRoundTrip() {
        var rng = SplitMix64(seed: 2026)  // reproducible draws
        for _ in 0..<2000 {
            let v = Vector3(
                Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng), Double.random(in: 0...1, using: &rng)
            ).unit
            let s = SquareLambert.square(v)
            #expect(abs(s.x) <= 1 + 1e-12 && abs(s.y) <= 1 + 1e-12)
            #expect((SquareLambert.direction(x: s.x, y: s.y) - v).norm < 1e-9)
        }
    }

    @Test func fileRoundTrip() throws {
        let sim = KinematicalSimulator(phase: .aluminium, voltageKV: 20)
        let mp = sim.masterPattern(size: 51)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mp-\(UUID().uuidString).tif").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try mp.write(path)
        let back = try MasterPattern.read(path)
        #expect(back.north == mp.north && back.south == mp.south)
        try mp.write(path, compress: true)
        let packed = try MasterPattern.read(path)
        #expect(packed.north == mp.north && packed.south == mp.south, "Deflate is lossless")
        #expect(back.description == mp.description && back.description?.phase == "Al")
    }
}
