import PatternMatching

/// `neighbour_check`: pixels below `threshold` NCC, or not indexed, try their neighbours'
/// orientations on their own patterns (``MapRefiner/checkNeighbours(_:stack:threshold:)``). Keys:
/// `threshold` and the signal keys of ``MatchingSignalOptions``.
public struct NeighbourCheckStep: RecipeStepParameters {
    public static let stepName = "neighbour_check"
    /// The reference study's threshold for "poor" matches.
    public static let defaultThreshold = 0.2
    public var threshold = NeighbourCheckStep.defaultThreshold
    public var signal = MatchingSignalOptions()

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        threshold = try r.value("threshold") ?? threshold
        guard threshold > 0, threshold <= 1 else { throw RecipeError("step \(r.label): threshold must be in (0, 1]") }
        signal = try MatchingSignalOptions(recipe: &r)
    }
}
