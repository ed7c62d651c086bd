import Foundation

/// Which refined Hough solutions the Hough-seeded route (``HoughSeededMatcher``) trusts. A seed goes to the dictionary
/// when its refined NCC is below ``minimumScore``, or below ``relativeScore`` × the median refined NCC of its trusted
/// 8-neighbours (a wrong solution in a well-indexed region stands out: a right one scores like its neighbours), or
/// when it disagrees — disorientation above ``toleranceDegrees`` — with every indexed neighbour (a lone orientation;
/// a pixel on a grain boundary agrees with one side). Defaults: no absolute floor, 0.8, 5°.
public struct SeedCheck: Sendable, Hashable {
    /// Seeds refined below this NCC go to the dictionary (nil: no absolute floor).
    public var minimumScore: Double?
    /// Seeds refined below this fraction of their neighbours' median NCC go to the dictionary.
    public var relativeScore: Double
    /// Seeds farther than this from every indexed neighbour go to the dictionary.
    public var toleranceDegrees: Double

    public init(minimumScore: Double? = nil, relativeScore: Double = 0.8, toleranceDegrees: Double = 5) {
        self.minimumScore = minimumScore
        self.relativeScore = relativeScore
        self.toleranceDegrees = toleranceDegrees
    }

    /// Checks the values on their own; `key` names the recipe key of a bad one.
    public func validate() throws(RecipeError) {
        guard (0...1).contains(relativeScore) else { throw RecipeError("seed_relative_score must be in [0, 1] (got \(relativeScore))") }
        guard toleranceDegrees > 0, toleranceDegrees <= 62.8 else {
            throw RecipeError("seed_tolerance must be in (0, 62.8]° (got \(toleranceDegrees))")
        }
    }
}
