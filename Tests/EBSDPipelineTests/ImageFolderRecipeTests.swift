import Foundation
import Testing
import TestSupport
import EBSDPipeline

/// Issue 27 item 6: a recipe runs straight from an image-folder export whose names carry the positions: no
/// `map_shape`, no `step_um`.
@Suite(.needsSharedData) struct ImageFolderRecipeTests {
    @Test func recipeFromOIMNamedImages() throws {
        let ni = try NickelData()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recipe-images-\(UUID().uuidString)")
        let images = dir.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
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
}
