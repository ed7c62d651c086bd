import Foundation
import Testing
import Crystallography
import CrystalMaps
import EBSDPipeline
import TestSupport

/// Issue 29: the reference recipe by its two routes — every point against the 2° dictionary then refined, or the Hough
/// solutions refined with the dictionary only where they fail (`match: {seed: hough}`) — on the shipped Na
/// electrodeposit: the final maps are as close to the sample's ground truth (share within 2°, median misorientation).
@Suite struct HoughSeededRouteTests {
    static let root = SharedData.packageRoot.path
    static let shipped = "\(root)/SampleMaps/reference-protocol.yaml"

    /// The shipped recipe's text with its match and refine steps given as `match` (and `refine`, nil: none).
    static func route(match: String, refine: String?) throws -> String {
        let lines = try String(contentsOfFile: shipped, encoding: .utf8).components(separatedBy: "\n")
        var out: [String] = []
        for line in lines {
            let step = line.trimmingCharacters(in: .whitespaces)
            if step.hasPrefix("- match:") {
                out.append("  - match: \(match)")
                if let refine { out.append("  - refine: \(refine)") }
            } else if !step.hasPrefix("- refine:") {
                out.append(line)
            }
        }
        return out.joined(separator: "\n")
    }

    /// Runs a recipe text (paths relative to SampleMaps) → the final map, the seconds of each step, its notes.
    static func run(_ text: String) throws -> (map: CrystalMap, seconds: [String: Double], notes: [String]) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-route-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let recipe = try PipelineRecipe.parse(text, path: shipped)
        var runner = try PipelineRunner(recipe: recipe, base: "\(root)/SampleMaps", outputFolder: out)
        var notes: [String] = []
        runner.message = { notes.append($0) }
        let map = try #require(try runner.run())
        return (map, Dictionary(runner.log.map { ($0.name, $0.seconds) }, uniquingKeysWith: +), notes)
    }

    /// (share of the truth's indexed points within 2°, median misorientation in degrees over the points indexed in both).
    static func accuracy(_ m: CrystalMap) throws -> (within2: Double, median: Double) {
        let truth = try MapFile.read("\(root)/SampleMaps/na-electrodeposit-cross-section/truth.ang")
        let both = (0..<m.count).filter { truth.isIndexed($0) }
        let e = both.map { i in
            m.isIndexed(i)
                ? Orientation(m.rotations[i], .cubicHigh).disorientationAngle(to: Orientation(truth.rotations[i], .cubicHigh)) * 180 / .pi
                : 180
        }.sorted()
        return (Double(e.filter { $0 <= 2 }.count) / Double(e.count), e[e.count / 2])
    }

    @Test func seededRouteIsAsAccurateAsTheFullDictionary() throws {
        let full = try Self.run(try Self.route(match: "{resolution: 2, psf: 0.8, min_score: 0.12}", refine: "{psf: 0.8}"))
        let seeded = try Self.run(try Self.route(match: "{seed: hough, resolution: 2, psf: 0.8, min_score: 0.12}", refine: nil))
        let a = try Self.accuracy(full.map), b = try Self.accuracy(seeded.map)
        let matchFull = (full.seconds["match"] ?? 0) + (full.seconds["refine"] ?? 0), matchSeeded = seeded.seconds["match"] ?? 0
        print(
            String(
                format: "reference recipe: full dictionary %.2f %% within 2°, median %.3f° (match + refine %.1f s); "
                    + "Hough-seeded %.2f %%, median %.3f° (match %.1f s)", 100 * a.within2, a.median, matchFull, 100 * b.within2,
                b.median, matchSeeded))
        print(seeded.notes.filter { $0.contains("Hough-seeded") }.joined(separator: "\n"))
        #expect(b.within2 >= a.within2 - 0.002)
        #expect(b.median <= a.median + 0.01)
        #expect(seeded.map.indexedCount >= full.map.indexedCount - 2)
    }
}
