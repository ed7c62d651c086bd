import MapCleanup

/// `wild_spikes`: ``WildSpikeRemoval``. Keys: `tolerance` (degrees), `to_zero`.
public struct WildSpikesStep: RecipeStepParameters {
    public static let stepName = "wild_spikes"
    public var removal = WildSpikeRemoval()

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        removal.toleranceDegrees = try r.value("tolerance") ?? removal.toleranceDegrees
        removal.replaceWithZeroSolution = try r.value("to_zero") ?? removal.replaceWithZeroSolution
        guard removal.toleranceDegrees > 0 else { throw RecipeError("step \(r.label): tolerance must be > 0°") }
    }
}
