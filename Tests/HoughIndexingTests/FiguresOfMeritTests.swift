import Foundation
import Testing
import TestSupport
@testable import HoughIndexing
@testable import Crystallography
@testable import CrystalMaps
@testable import DetectorGeometry
@testable import PatternStacks
@testable import Preprocessing
import EBSDCore

@Suite(.needsSharedData) struct FiguresOfMeritTests {
    /// Pattern sharpness equals kikuchipy's `get_image_quality` on the 9 real Ni patterns.
    @Test(.enabled(if: PeerPython.has("kikuchipy"), "the peer environment (make peers) has no kikuchipy: the peer comparison is skipped"))
    func sharpnessMatchesKikuchipy() throws {
        let ni = try NickelData()
        let raw = FileManager.default.temporaryDirectory.appendingPathComponent("iq-\(getpid()).raw")
        defer { try? FileManager.default.removeItem(at: raw) }
        try ni.patterns.flatMap { $0 }.withUnsafeBufferPointer { Data(buffer: $0) }.write(to: raw)
        let theirs = try PeerPython.run([PeerPython.script("kikuchipy_image_quality.py"), raw.path, "60", "60"]).json([Double].self)
        let q = PatternQuality(rows: 60, columns: 60)
        let ours = ni.patterns.map { q.sharpness($0) }
        print("sharpness ours \(ours.map { String(format: "%.4f", $0) }) kikuchipy \(theirs.map { String(format: "%.4f", $0) })")
        for (a, b) in zip(ours, theirs) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "\(a) vs \(b)") }
    }

    /// Physics: noise spreads the spectrum, so sharpness falls as noise is added; a flat pattern has 0.
    @Test func sharpnessFallsWithNoise() throws {
        let ni = try NickelData()
        let q = PatternQuality(rows: 60, columns: 60)
        var rng = SplitMix64(seed: 15)
        let clean = q.sharpness(ni.patterns[4])
        let noisy = q.sharpness(ni.patterns[4].map { $0 + Float(rng.unitOpen() * 200 - 100) })
        let noise = q.sharpness((0..<3600).map { _ in Float(rng.unitOpen()) })
        print(String(format: "sharpness clean %.3f, noisy %.3f, white noise %.3f", clean, noisy, noise))
        #expect(clean > noisy && noisy > noise)
        #expect(abs(noise) < 0.05)
        #expect(q.sharpness([Float](repeating: 7, count: 3600)) == 0)
    }

    /// Hough figures of merit order patterns as their quality: the same stack with noise added has lower
    /// IQ, BC, BS and sharpness (at noise that drowns the bands, IQ and BS measure noise peaks and rise again:
    /// BC and sharpness stay monotone); BC and BS are on 0–255; the mean intensity is the patterns' mean.
    @Test func houghFiguresOrderQuality() throws {
        let stack = try PatternStack.open(SharedData.path("dev/na-kinematical-60px/patterns.tif"), mapShape: nil)
        let n = 64
        let noiseAmplitude = 40.0  // counts on patterns of mean ~56: realistic shot noise, bands still visible
        let clean = try stack.read(0..<n)
        var rng = SplitMix64(seed: 7)
        let noisy = clean.map { $0 + Float((rng.unitOpen() - 0.5) * noiseAmplitude) }
        let det = Detector(rows: stack.patternRows, columns: stack.patternColumns, pc: PatternCenter(0.5, 0.5, 0.6))
        let hi = HoughIndexer(detector: det, phases: [.sodium])
        let a = hi.analyse(batch: clean, count: n), b = hi.analyse(batch: noisy, count: n)
        func mean(_ r: [HoughResult], _ f: (HoughResult) -> Double) -> Double { r.map(f).reduce(0, +) / Double(r.count) }
        let iq = (mean(a) { $0.quality.imageQuality }, mean(b) { $0.quality.imageQuality })
        let bc = (mean(a) { $0.quality.bandContrast }, mean(b) { $0.quality.bandContrast })
        let bs = (mean(a) { $0.quality.bandSlope }, mean(b) { $0.quality.bandSlope })
        let sh = (mean(a) { $0.sharpness }, mean(b) { $0.sharpness })
        print(
            String(
                format: "IQ %.2f → %.2f, BC %.2f → %.2f, BS %.3f → %.3f, sharpness %.3f → %.3f (clean → noisy)",
                iq.0, iq.1, bc.0, bc.1, bs.0, bs.1, sh.0, sh.1))
        #expect(iq.0 > iq.1 && bc.0 > bc.1 && bs.0 > bs.1 && sh.0 > sh.1)
        let scaled = HoughQuality.scaledTo255((a + b).map { Float($0.quality.bandContrast) })
        #expect(scaled.allSatisfy { $0 >= 0 && $0 <= 255 } && scaled.max() == 255)
        let m0 = clean[0..<(stack.patternSize)].reduce(0.0) { $0 + Double($1) } / Double(stack.patternSize)
        #expect(abs(a[0].meanIntensity - m0) < 1e-6 * max(1, m0))
    }
}
