import Crystallography
import PatternMatching

/// `refine`: orientation refinement of every indexed pixel (``MapRefiner``). Keys: `refine_pc`,
/// `map_pc`, `map_pc_range`, `map_pc_restarts`, `pseudo_symmetry` (ANGLE@UVW, one or a list), `fast`, `memory` (e.g. 512MB),
/// and the signal keys of
/// ``MatchingSignalOptions``.
public struct RefineStep: RecipeStepParameters {
    public static let stepName = "refine"
    public var refinement = RefinementOptions()
    public var signal = MatchingSignalOptions()

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        refinement.refinePC = try r.value("refine_pc") ?? refinement.refinePC
        refinement.mapPCPatterns = try r.value("map_pc") ?? refinement.mapPCPatterns
        refinement.mapPCRange = try r.value("map_pc_range") ?? refinement.mapPCRange
        refinement.mapPCRestarts = try r.value("map_pc_restarts") ?? refinement.mapPCRestarts
        refinement.fastSearch = try r.value("fast") ?? refinement.fastSearch
        refinement.pseudoSymmetry = try (r.list("pseudo_symmetry") as [String]?)?.map { try r.pseudoSymmetryOperator($0) } ?? []
        if let m: String = try r.value("memory") {
            do { refinement.memoryBytes = try DictionaryMatchOptions.bytes(m) } catch { throw RecipeError("step \(r.label): \(error)") }
        }
        do { try refinement.validate() } catch { throw RecipeError("step \(r.label): \(error)") }
        signal = try MatchingSignalOptions(recipe: &r)
    }
}
