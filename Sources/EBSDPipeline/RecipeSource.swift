import Foundation

/// Where an output folder's recipe is: `recipe-source.json`, written by ``PipelineRunner`` when it runs a recipe file,
/// so that tools opening the folder later (`ebsd view out/demo`) find the inputs the run used (patterns, detector,
/// master patterns) through the recipe. The path is absolute.
public struct RecipeSource: Codable, Sendable, Equatable {
    public var recipe: String
    public static let fileName = "recipe-source.json"

    public init(recipe: String) { self.recipe = recipe }

    /// The record of `folder`, or nil when it has none (a run made from a recipe in memory, or an older run).
    public static func read(folder: String) throws -> RecipeSource? {
        let p = (folder as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: p) else { return nil }
        do { return try JSONDecoder().decode(RecipeSource.self, from: data) } catch {
            throw RecipeError("\(p): not a recipe record (\(error))")
        }
    }

    /// The absolute form of `path` (relative to the working directory).
    public static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}
