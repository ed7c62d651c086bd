import Preprocessing

/// `nlpar`: ``Preprocessing/NLPAR``; every later step that reads patterns reads them averaged.
/// Keys: `lambda` (> 0; default estimated from the patterns' noise), `radius` (search radius, map pixels).
public struct NLPARStep: RecipeStepParameters {
    public static let stepName = "nlpar"
    public var nlpar = try! NLPAR()

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        let lambda: Double? = try r.value("lambda")
        let radius: Int = try r.value("radius") ?? nlpar.searchRadius
        do {
            nlpar = try NLPAR(searchRadius: radius, lambda: lambda)
        } catch {
            throw RecipeError("step \(r.label): \(error)")
        }
    }
}
