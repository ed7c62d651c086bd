import MapCleanup

/// `min_grain_size`: ``MinimumGrainSize``. Keys: `min_size` (pixels), `tolerance` (degrees).
public struct MinGrainSizeStep: RecipeStepParameters {
    public static let stepName = "min_grain_size"
    public var dissolve = MinimumGrainSize()

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        dissolve.minimumPixels = try r.value("min_size") ?? dissolve.minimumPixels
        dissolve.thresholdDegrees = try r.value("tolerance") ?? dissolve.thresholdDegrees
        guard dissolve.minimumPixels >= 1, dissolve.thresholdDegrees > 0 else {
            throw RecipeError("step \(r.label): min_size must be ≥ 1 and tolerance > 0°")
        }
    }
}
