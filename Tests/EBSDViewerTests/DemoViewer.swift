import Foundation
import CrystalMaps
import EBSDPipeline
import EBSDViewer
import TestSupport

/// The shipped Na cross-section sample opened as `ebsd view` opens a pipeline's output folder: its ground-truth map
/// (`truth.ang`, orientations the patterns were simulated at) as the folder's final.ang, and the reference recipe
/// (its stack, detector, master pattern and step settings) as the folder's recipe.
enum DemoViewer {
    static let sample = SharedData.packageRoot.appendingPathComponent("SampleMaps/na-electrodeposit-cross-section").path
    static let recipe = SharedData.packageRoot.appendingPathComponent("SampleMaps/reference-protocol.yaml").path

    /// A folder holding `map` (default: the truth) as final.ang and, unless `recipe` is nil, the recipe record.
    static func folder(map: String = sample + "/truth.ang", recipe: String? = DemoViewer.recipe) throws -> String {
        let dir = SharedData.temporaryFolder("viewer")
        try FileManager.default.copyItem(atPath: map, toPath: dir + "/final.ang")
        if let recipe {
            try JSONEncoder().encode(RecipeSource(recipe: recipe)).write(to: URL(fileURLWithPath: dir + "/" + RecipeSource.fileName))
        }
        return dir
    }

    static let viewer: Result<MapViewer, ViewerError> = Result { () throws(ViewerError) in try MapViewer.open(outputFolder: try! folder()) }

    static func open() throws -> MapViewer { try viewer.get() }
}
