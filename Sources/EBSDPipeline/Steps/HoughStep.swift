import Crystallography
import DetectorGeometry
import HoughIndexing
import PatternStacks
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

extension HoughStep {
    /// The Hough indexer these settings make for `detector` and `phases`: the static background taken from `stack` (its
    /// own or `meanPattern`, the stack's mean, as ``Preprocessing/StaticBackground`` says).
    public func indexer(
        detector: Detector, phases: [Phase], voltageKV: Double, stack: PatternStack, meanPattern: [Float]?
    ) throws -> HoughIndexer {
        if let b = binning, let problem = HoughIndexer.binningProblem(b, rows: detector.rows, columns: detector.columns) {
            throw RecipeError(problem)
        }
        return HoughIndexer(
            detector: detector, phases: phases, thetaCount: thetaSteps, bandCount: bands, voltageKV: voltageKV, familyCount: families,
            staticBackground: try staticBackground.image(for: stack, meanPattern: meanPattern), binning: binning)
    }
}
