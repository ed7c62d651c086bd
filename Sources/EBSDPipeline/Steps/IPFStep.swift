import Crystallography

/// `ipf`: IPF maps (`ipf-x|y|z.png`, IPF-Y for cross sections, IPF-Z for top views), IPF density
/// plots and the phase map. Keys: `directions` (x, y, z), `boundaries` (HAGB black, LAGB white),
/// `hagb`, `lagb` (degrees), `scale` (screen pixels per map pixel), `shade` (a figure of merit, e.g. `iq`, that
/// darkens the IPF colours where it is low; the step also writes that figure's own map, `<shade>.png`).
public struct IPFStep: RecipeStepParameters {
    public static let stepName = "ipf"
    /// Sample directions, lower-case "x", "y" or "z".
    public var directions = ["z"]
    public var boundaries = true
    public var hagbDegrees = 10.0
    public var lagbDegrees = 2.0
    public var scale = 4
    /// The map property (``CrystalMaps/MapProperty``) that shades the IPF maps, or nil.
    public var shade: String?

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        directions = try r.list("directions") ?? directions
        directions = directions.map { $0.lowercased() }
        boundaries = try r.value("boundaries") ?? boundaries
        hagbDegrees = try r.value("hagb") ?? hagbDegrees
        lagbDegrees = try r.value("lagb") ?? lagbDegrees
        scale = try r.value("scale") ?? scale
        shade = try r.value("shade")
        for d in directions where Self.vector(d) == nil { throw RecipeError("step \(r.label): direction '\(d)' must be x, y or z") }
        guard lagbDegrees > 0, lagbDegrees < hagbDegrees else { throw RecipeError("step \(r.label): need 0 < lagb < hagb") }
        guard (1...64).contains(scale) else { throw RecipeError("step \(r.label): scale must be 1…64") }
    }

    /// The sample direction named "x", "y" or "z".
    public static func vector(_ name: String) -> Vector3? {
        switch name.lowercased() {
        case "x": return [1, 0, 0]
        case "y": return [0, 1, 0]
        case "z": return [0, 0, 1]
        default: return nil
        }
    }
}
