import PatternMatching

/// `match`: dictionary indexing of every pattern (``StackMatcher``). Keys: `resolution`, `keep`,
/// `min_score`, `memory`, `dictionary_cache`, `fast`, `components`, `precision`, and the signal keys of
/// ``MatchingSignalOptions``.
public struct MatchStep: RecipeStepParameters {
    public static let stepName = "match"
    public var matching = DictionaryMatchOptions()
    public var signal = MatchingSignalOptions()

    public init() {}

    public init(recipe r: inout StepParameters) throws {
        matching.resolutionDegrees = try r.value("resolution") ?? matching.resolutionDegrees
        matching.keep = try r.value("keep") ?? matching.keep
        matching.minimumScore = try r.value("min_score")
        matching.dictionaryCachePath = try r.value("dictionary_cache")
        matching.fast = try r.value("fast") ?? matching.fast
        matching.components = try r.value("components") ?? matching.components
        do {
            if let p: String = try r.value("precision") { matching.precision = try MatchPrecision(text: p) }
            if let m: String = try r.value("memory") { matching.memoryBytes = try DictionaryMatchOptions.bytes(m) }
            try matching.validate()
        } catch let e as MatchingError { throw RecipeError("step \(r.label): \(e)") }
        signal = try MatchingSignalOptions(recipe: &r)
    }
}
