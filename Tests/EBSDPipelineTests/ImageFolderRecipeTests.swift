import Foundation
import Testing
import TestSupport
import EBSDPipeline
import EBSDImageIO
import Crystallography

/// Issue 27 item 6: a recipe runs straight from an image-folder export whose names carry the positions: no
/// `map_shape`, no `step_um`.
@Suite(.needsSharedData) struct ImageFolderRecipeTests {
    /// A scratch folder (removed by the caller) and its `export` subfolder for the images.
    static func scratch() throws -> (dir: URL, images: URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recipe-images-\(UUID().uuidString)")
        let images = dir.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        return (dir, images)
    }

    @Test func recipeFromOIMNamedImages() throws {
        let ni = try NickelData()
        let (dir, images) = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try ni.writeOIMNamedImages(to: images, hole: 8)
        let pc = ni.meanPC
        let recipe = try PipelineRecipe.parse(
            """
            inputs:
              patterns: \(images.path)
              detector: {pc: [\(pc.x), \(pc.y), \(pc.z)]}
              phases: [Ni]
            steps:
              - hough: {}
            """, path: "inline.yaml")
        var runner = try PipelineRunner(recipe: recipe, base: "", outputFolder: dir.appendingPathComponent("out").path)
        runner.message = { _ in }
        let map = try #require(try runner.run())
        #expect(map.grid.rows == 3 && map.grid.columns == 3 && abs(map.grid.stepX - 0.5) < 1e-9)
        #expect(map.indexedCount == 8 && !map.isIndexed(8))
    }

    /// `inputs.name_pattern` places names the automatic rules cannot read (column first: `Ni c{col} r{row}.png`); the
    /// `hough` step with two phases (issue 28) and the recorded static background reads every point as Ni, not α-Fe.
    @Test func recipeWithNamePattern() throws {
        let ni = try NickelData()
        let (dir, images) = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let size = NickelData.rows * NickelData.columns
        for k in 0..<NickelData.count {
            try PNGImage(width: NickelData.columns, height: NickelData.rows, channels: 1,
                pixels: ni.raw[(k * size)..<((k + 1) * size)].map { UInt8($0) })
                .write(to: images.appendingPathComponent("Ni c\(k % 3 + 1) r\(k / 3 + 1).png").path)
        }
        // the recorded static background beside the export, as a user would give it
        let background = dir.appendingPathComponent("background.png")
        try PNGImage(width: NickelData.columns, height: NickelData.rows, channels: 1, pixels: ni.background.map { UInt8($0) })
            .write(to: background.path)
        let pc = ni.meanPC
        func recipe(_ pattern: String) throws -> PipelineRecipe {
            try PipelineRecipe.parse(
                """
                inputs:
                  patterns: \(images.path)
                  name_pattern: "\(pattern)"
                  step_um: 1.5
                  detector: {pc: [\(pc.x), \(pc.y), \(pc.z)]}
                  phases: [Ni, alpha-Fe]
                steps:
                  - hough: {static_background: \(background.path)}
                """, path: "inline.yaml")
        }
        var runner = try PipelineRunner(
            recipe: try recipe("Ni c{col} r{row}.png"), base: "", outputFolder: dir.appendingPathComponent("out").path)
        runner.message = { _ in }
        let map = try #require(try runner.run())
        #expect(map.grid.rows == 3 && map.grid.columns == 3 && map.grid.stepX == 1.5 && map.indexedCount == 9)
        #expect(map.phases.map(\.phase.name) == ["Ni", "alpha-Fe"] && map.phaseIndex.allSatisfy { $0 == 0 })
        let within = (0..<NickelData.count).filter { k in
            Orientation(map.rotations[k], .cubicHigh).disorientationAngle(to: Orientation(ni.references[k], .cubicHigh)) < 2 * .pi / 180
        }
        #expect(within.count == NickelData.count)
        do {
            _ = try PipelineRunner(recipe: try recipe("Ni c{col}.png"), base: "", outputFolder: dir.appendingPathComponent("o2").path)
            Issue.record("a pattern without {row} was accepted")
        } catch { #expect("\(error)".contains("inputs.name_pattern"), "\(error)") }
    }
}
