import MapCleanup

/// `fill`: ``ZeroSolutionFill``. Keys: `neighbours` (counts in order, e.g. [6, 5]), `tolerance`
/// (degrees), `max_hole` (pixels; larger holes are pores and stay empty), `last_once`.
public struct FillStep: RecipeStepParameters {
    public static let stepName = "fill"
    public var fill = ZeroSolutionFill()

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        fill.neighbourCounts = try r.value("neighbours") ?? fill.neighbourCounts
        fill.toleranceDegrees = try r.value("tolerance") ?? fill.toleranceDegrees
        fill.maximumHolePixels = try r.value("max_hole") ?? fill.maximumHolePixels
        fill.lastOnce = try r.value("last_once") ?? fill.lastOnce
        guard !fill.neighbourCounts.isEmpty, fill.neighbourCounts.allSatisfy({ (1...8).contains($0) }) else {
            throw RecipeError("step \(r.label): neighbours must be counts 1…8")
        }
        guard fill.toleranceDegrees > 0, fill.maximumHolePixels >= 0 else {
            throw RecipeError("step \(r.label): tolerance must be > 0° and max_hole ≥ 0")
        }
    }
}
