import Foundation
import Crystallography
import CrystalMaps
import DetectorGeometry
import EBSDPipeline
import PatternMatching
import PatternSimulation
import PatternStacks

extension MapViewer {
    /// The map of a pipeline's output folder (`final.ang`) with the patterns, detector and master pattern of the recipe
    /// that made it (``EBSDPipeline/RecipeSource``), and the settings of its steps: the matching signal of its last
    /// match, refine or neighbour-check step and its Hough step's. Where the recipe or its stack cannot be opened the
    /// viewer shows the map alone and says why.
    public static func open(outputFolder folder: String) throws(ViewerError) -> MapViewer {
        let mapPath = (folder as NSString).appendingPathComponent("final.ang")
        guard FileManager.default.fileExists(atPath: mapPath) else {
            throw ViewerError("\(folder): no final.ang (is it the output folder of a finished `ebsd pipeline` run?)")
        }
        let map: CrystalMap
        do { map = try MapFile.read(mapPath) } catch { throw ViewerError("\(error)") }
        let title = (folder as NSString).lastPathComponent
        return MapViewer(map: map, title: title, patterns: recipePatterns(folder: folder, map: map))
    }

    /// The patterns of the recipe recorded in `folder`, or why there are none.
    static func recipePatterns(folder: String, map: CrystalMap) -> Result<ViewerPatterns, ViewerError> {
        do {
            guard let source = try RecipeSource.read(folder: folder) else {
                return .failure(ViewerError("\(folder) does not say which recipe made it (no \(RecipeSource.fileName)); give --patterns"))
            }
            let (recipe, _) = try PipelineRecipe.load(source.recipe)
            guard recipe.inputs.patterns != nil else { return .failure(ViewerError("\(source.recipe) names no patterns")) }
            let inputs = try PipelineInputs(recipe.inputs, steps: recipe.steps, base: (source.recipe as NSString).deletingLastPathComponent)
            guard let stack = inputs.stack, let detector = inputs.detector else {
                return .failure(ViewerError("\(source.recipe): its pattern stack could not be opened"))
            }
            var signal = MatchingSignalOptions(), hough = HoughStep()
            for step in recipe.steps {
                switch step {
                case .match(let p): signal = p.signal
                case .refine(let p): signal = p.signal
                case .neighbourCheck(let p): signal = p.signal
                case .hough(let p): hough = p
                default: break
                }
            }
            let master = map.phases.lazy.compactMap { p in inputs.masters[p.phase.name].map { ($0, p.phase) } }.first
            return .success(
                try ViewerPatterns(
                    map: map, stack: stack, detector: detector, master: master, signalOptions: signal, houghSettings: hough,
                    voltageKV: inputs.voltageKV))
        } catch let e as ViewerError {
            return .failure(e)
        } catch {
            return .failure(ViewerError("\(error)"))
        }
    }
}
