import Crystallography
import Figures

/// `ipf`: IPF maps (`ipf-x|y|z.png`, IPF-Y for cross sections, IPF-Z for top views), IPF density
/// plots and the phase map. Keys: `directions` (x, y, z), `boundaries` (HAGB black, LAGB white),
/// `hagb`, `lagb` (degrees), `scale` (screen pixels per map pixel), `shade` (a figure of merit, e.g. `iq`, that
/// darkens the IPF colours where it is low; the step also writes that figure's own map, `<shade>.png`).
public struct IPFStep: RecipeStepParameters {
    public static let stepName = "ipf"
    /// Sample directions of the IPF maps.
    public var directions: [SampleDirection] = [.z]
    public var boundaries = true
    /// HAGB (black) and LAGB (white) thresholds of the drawn boundaries.
    public var boundaryThresholds = BoundaryThresholds()
    public var scale = MapRenderer.defaultScale
    /// The map property (``CrystalMaps/MapProperty``) that shades the IPF maps, or nil.
    public var shade: String?

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        if let names: [String] = try r.list("directions") {
            directions = try names.map { name in
                guard let d = SampleDirection(name: name) else {
                    throw RecipeError("step \(r.label): direction '\(name)' must be x, y or z")
                }
                return d
            }
        }
        boundaries = try r.value("boundaries") ?? boundaries
        boundaryThresholds.highDegrees = try r.value("hagb") ?? boundaryThresholds.highDegrees
        boundaryThresholds.lowDegrees = try r.value("lagb") ?? boundaryThresholds.lowDegrees
        scale = try r.value("scale") ?? scale
        shade = try r.value("shade")
        do { try boundaryThresholds.validate() } catch { throw RecipeError("step \(r.label): \(error)") }
        guard (1...64).contains(scale) else { throw RecipeError("step \(r.label): scale must be 1…64") }
    }
}
