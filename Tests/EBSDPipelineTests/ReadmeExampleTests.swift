import Foundation
import Testing
import EBSDPipeline
import TestSupport

/// The README's Swift example, compiled and run: the lines between the markers below are
/// compared, character for character, with the README's `swift` block after "## The library
/// in Swift", and then run on the shipped sample (in a scratch folder that links SampleMaps
/// and MasterPatterns, so the example's relative paths and its PNG work as they do for a user).
@Suite(.serialized) struct ReadmeExampleTests {
    static func readmeExample() throws -> (map: CrystalMap, grains: GrainAnalysis) {
        // README example begin
        let (detector, stack) = try PatternStack.openWithDetector(
            "SampleMaps/na-electrodeposit-cross-section/patterns.tif", stepMicrons: 3,
            overrides: DetectorOverrides(pc: PatternCenter(0.5, 0.5, 0.6)))
        let master = try MasterPattern.read("MasterPatterns/Na-20kV-kinematical.tif")
        let hough = try HoughIndexer(detector: detector, phases: [.sodium], bandCount: 9).index(stack: stack)
        let signal = try MatchingSignalOptions().signal(detector: detector, stack: stack)
        let matcher = try StackMatcher(signal: signal, master: master, phase: .sodium, options: .init(minimumScore: 0.12))
        let (matched, _) = try matcher.match(stack)
        let (refined, _) = try MapRefiner(signal: signal, master: master).refine(matched, stack: stack)
        let check = PatternFlipCheck(stack: stack, master: master, detector: detector).verifier
        let cleanup: [any CleanupStep] = [WildSpikeRemoval(), ZeroSolutionFill(), PseudoSymmetryCorrection([.cubicSigma3], verify: check)]
        let (clean, _) = try refined.cleaned(by: cleanup)
        let grains = try GrainAnalysis(clean)
        try MapFigure(map: clean, layer: .ipf([0, 1, 0]), boundaries: BoundaryMap(clean)).write(to: "ipf-y.png")
        print("Hough indexed \(hough.indexedFraction); \(grains.statistics.count) grains, mean ECD \(grains.statistics.meanECD) µm")
        // README example end
        return (clean, grains)
    }

    /// The example's lines in this file.
    static func exampleLines() throws -> [String] {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8).components(separatedBy: "\n")
        guard let b = source.firstIndex(where: { $0.hasSuffix("// README example begin") }),
            let e = source.firstIndex(where: { $0.hasSuffix("// README example end") })
        else { return [] }
        return source[(b + 1)..<e].map { String($0.dropFirst(8)) }
    }

    @Test func readmeShowsThisExample() throws {
        let readme = try String(contentsOf: SharedData.packageRoot.appendingPathComponent("README.md"), encoding: .utf8).components(
            separatedBy: "\n")
        let heading = try #require(readme.firstIndex(of: "## The library in Swift"))
        let open = try #require(readme[heading...].firstIndex(of: "```swift"))
        let close = try #require(readme[(open + 1)...].firstIndex(of: "```"))
        let block = Array(readme[(open + 1)..<close])
        #expect(block.first == "import EBSDPipeline")
        let code = block.dropFirst().filter { !$0.isEmpty }
        let lines = try Self.exampleLines()
        #expect(lines.count >= 10 && lines.count <= 16, "the example has \(lines.count) lines")
        #expect(
            Array(code) == lines, "README example and test differ:\n\(code.joined(separator: "\n"))\n---\n\(lines.joined(separator: "\n"))")
    }

    /// Runs the example on the shipped Na cross section and checks it against the sample's ground truth.
    @Test func exampleRunsOnTheShippedSample() throws {
        let fm = FileManager.default
        let scratch = fm.temporaryDirectory.appendingPathComponent("ebsd-readme-\(UUID().uuidString)")
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: scratch) }
        for d in ["SampleMaps", "MasterPatterns"] {
            try fm.createSymbolicLink(
                at: scratch.appendingPathComponent(d), withDestinationURL: SharedData.packageRoot.appendingPathComponent(d))
        }
        let previous = fm.currentDirectoryPath
        #expect(fm.changeCurrentDirectoryPath(scratch.path))
        defer { _ = fm.changeCurrentDirectoryPath(previous) }
        let t0 = Date()
        let (map, grains) = try Self.readmeExample()
        print(String(format: "README example: %.1f s", Date().timeIntervalSince(t0)))
        // ground truth of the synthetic sample: orientations within 2° on ≥ 95 % of the pixels indexed in both
        let truth = try MapFile.read(
            SharedData.packageRoot.appendingPathComponent("SampleMaps/na-electrodeposit-cross-section/truth.ang").path)
        let both = (0..<map.count).filter { map.isIndexed($0) && truth.isIndexed($0) }
        let close = both.filter {
            Orientation(map.rotations[$0], .cubicHigh).disorientationAngle(to: Orientation(truth.rotations[$0], .cubicHigh)) < 2 * .pi / 180
        }
        #expect(Double(both.count) >= 0.95 * Double(truth.indexedCount))
        #expect(Double(close.count) >= 0.95 * Double(both.count), "\(close.count) of \(both.count) within 2°")
        let truthGrains = try GrainAnalysis(truth)
        #expect(
            abs(grains.statistics.count - truthGrains.statistics.count) <= 2,
            "\(grains.statistics.count) grains vs \(truthGrains.statistics.count) in the truth")
        let png = try #require(fm.contents(atPath: scratch.appendingPathComponent("ipf-y.png").path))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }
}
