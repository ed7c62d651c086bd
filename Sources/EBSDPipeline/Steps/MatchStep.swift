import PatternMatching

/// `match`: dictionary indexing of every pattern (``StackMatcher``). Keys: `resolution`, `keep`,
/// `min_score`, `memory`, `dictionary_cache`, `fast`, `components`, `precision`, and the signal keys of
/// ``MatchingSignalOptions``. `seed: hough` takes the Hough-seeded route (``HoughSeededMatcher``: the previous step's
/// Hough solutions refined, the dictionary only where ``SeedCheck`` — keys `seed_min_score`, `seed_relative_score`,
/// `seed_tolerance` — distrusts them); its map is refined already.
public struct MatchStep: RecipeStepParameters {
    public static let stepName = "match"
    /// Where the step's orientations start.
    public enum Seed: String, Sendable, Hashable, CaseIterable {
        /// Every point against the full dictionary.
        case none
        /// The previous map's Hough solutions, refined; the dictionary only where they fail.
        case hough
    }
    public var matching = DictionaryMatchOptions()
    public var signal = MatchingSignalOptions()
    public var seed = Seed.none
    public var seedCheck = SeedCheck()

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        matching.resolutionDegrees = try r.value("resolution") ?? matching.resolutionDegrees
        matching.keep = try r.value("keep") ?? matching.keep
        matching.minimumScore = try r.value("min_score")
        matching.dictionaryCachePath = try r.value("dictionary_cache")
        matching.fast = try r.value("fast") ?? matching.fast
        matching.components = try r.value("components") ?? matching.components
        if let text: String = try r.value("seed") {
            guard let v = Seed(rawValue: text) else {
                throw RecipeError("step \(r.label): seed must be none or hough (got '\(text)')")
            }
            seed = v
        }
        seedCheck.minimumScore = try r.value("seed_min_score")
        seedCheck.relativeScore = try r.value("seed_relative_score") ?? seedCheck.relativeScore
        seedCheck.toleranceDegrees = try r.value("seed_tolerance") ?? seedCheck.toleranceDegrees
        do { try seedCheck.validate() } catch { throw RecipeError("step \(r.label): \(error)") }
        do {
            if let p: String = try r.value("precision") { matching.precision = try MatchPrecision(text: p) }
            if let m: String = try r.value("memory") { matching.memoryBytes = try DictionaryMatchOptions.bytes(m) }
            try matching.validate()
        } catch let e as MatchingError { throw RecipeError("step \(r.label): \(e)") }
        signal = try MatchingSignalOptions(recipe: &r)
    }
}
