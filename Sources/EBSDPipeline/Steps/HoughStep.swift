import HoughIndexing
import Preprocessing

/// `hough`: Hough indexing of every pattern (``HoughIndexer``). Keys: `bands`, `theta_steps`,
/// `families`, `static_background` (``Preprocessing/StaticBackground``: auto, none, file, mean or an image),
/// `binning` (default automatic: ``HoughIndexer/automaticBinning(rows:columns:)``);
/// the voltage comes from `inputs.voltage_kv`.
public struct HoughStep: RecipeStepParameters {
    public static let stepName = "hough"
    public var bands = HoughIndexer.defaultBandCount
    public var thetaSteps = HoughIndexer.defaultThetaCount
    /// Reflector families per phase; nil: ``HoughIndexer/defaultFamilyCount(phases:)``.
    public var families: Int?
    public var staticBackground = HoughIndexer.defaultStaticBackground
    /// The binning for Hough; nil: ``HoughIndexer/automaticBinning(rows:columns:)``.
    public var binning: Int?

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        bands = try r.value("bands") ?? bands
        thetaSteps = try r.value("theta_steps") ?? thetaSteps
        families = try r.value("families")
        if let s: String = try r.value("static_background") { staticBackground = StaticBackground(s) }
        binning = try r.value("binning")
        if let b = binning, b < 1 { throw RecipeError("step \(r.label): binning must be ≥ 1") }
        guard (3...20).contains(bands) else { throw RecipeError("step \(r.label): bands must be 3…20") }
        guard (30...720).contains(thetaSteps) else { throw RecipeError("step \(r.label): theta_steps must be 30…720") }
        if let f = families, !(3...8).contains(f) { throw RecipeError("step \(r.label): families must be 3…8") }
    }
}
