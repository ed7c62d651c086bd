import Crystallography
import MapCleanup

/// `pseudo_symmetry`: ``PseudoSymmetryCorrection``, each flip confirmed on the raw pattern when
/// `verify` (``PatternMatching/PatternFlipCheck``). Keys: `operator` (ANGLE@UVW, one or a list;
/// required), `verify`, `tolerance` (degrees), `max_fragment` (pixels), `dynamic_background`
/// (σ px of the pattern check; default pattern width / 8).
public struct PseudoSymmetryStep: RecipeStepParameters {
    public static let stepName = "pseudo_symmetry"
    public var operators: [PseudoSymmetryOperator] = []
    public var verify = false
    public var toleranceDegrees = PseudoSymmetryCorrection(operators: []).toleranceDegrees
    public var maximumFragmentPixels = PseudoSymmetryCorrection(operators: []).maximumFragmentPixels
    public var dynamicBackgroundSigma: Double?

    public init(operators: [PseudoSymmetryOperator] = [.cubicSigma3], verify: Bool = true) {
        self.operators = operators
        self.verify = verify
    }

    public init(recipe r: inout StepParameters) throws {
        operators = try (r.list("operator") as [String]?)?.map { try r.pseudoSymmetryOperator($0) } ?? []
        verify = try r.value("verify") ?? verify
        toleranceDegrees = try r.value("tolerance") ?? toleranceDegrees
        maximumFragmentPixels = try r.value("max_fragment") ?? maximumFragmentPixels
        dynamicBackgroundSigma = try r.value("dynamic_background")
        guard !operators.isEmpty else { throw RecipeError("step \(r.label): give operator, e.g. 60@111") }
        guard toleranceDegrees > 0, maximumFragmentPixels >= 1 else {
            throw RecipeError("step \(r.label): tolerance must be > 0° and max_fragment ≥ 1")
        }
    }

    /// The correction, with `verify` as its pattern check (nil: unchecked).
    public func correction(verify check: (@Sendable (Int, Rotation, Rotation) -> Bool)?) -> PseudoSymmetryCorrection {
        var c = PseudoSymmetryCorrection(operators, toleranceDegrees: toleranceDegrees, verify: check)
        c.maximumFragmentPixels = maximumFragmentPixels
        return c
    }
}
