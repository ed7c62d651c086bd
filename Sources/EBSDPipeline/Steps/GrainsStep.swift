import Grains

/// `grains`: ``GrainAnalysis`` → `grains.csv`, `grains.json`, `grain-size-histogram.png`.
/// Keys: `hagb`, `lagb` (degrees), `min_size` (pixels), `connectivity` (4 or 8).
public struct GrainsStep: RecipeStepParameters {
    public static let stepName = "grains"
    public var parameters = GrainAnalysis.Parameters()

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        parameters.boundaries.highDegrees = try r.value("hagb") ?? parameters.boundaries.highDegrees
        parameters.boundaries.lowDegrees = try r.value("lagb") ?? parameters.boundaries.lowDegrees
        parameters.minimumPixels = try r.value("min_size") ?? parameters.minimumPixels
        if let c: Int = try r.value("connectivity") {
            guard let k = Connectivity(rawValue: c) else { throw RecipeError("step \(r.label): connectivity must be 4 or 8") }
            parameters.connectivity = k
        }
        do { try parameters.validate() } catch { throw RecipeError("step \(r.label): \(error)") }
    }
}
