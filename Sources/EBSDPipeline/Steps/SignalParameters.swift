import PatternMatching

extension MatchingSignalOptions {
    /// Reads the signal keys shared by the matching steps (`static_background`, `dynamic_background`,
    /// `gaussian`, `binning`, `psf`, `circular_mask`), defaults from ``MatchingSignalOptions``.
    init(recipe r: inout StepParameters) throws {
        self.init()
        if let s: String = try r.value("static_background") { staticBackground = StaticBackground(s) }
        dynamicBackgroundSigma = try r.value("dynamic_background") ?? dynamicBackgroundSigma
        gaussianSigma = try r.value("gaussian") ?? gaussianSigma
        binning = try r.value("binning") ?? binning
        psfSigma = try r.value("psf") ?? psfSigma
        circularMask = try r.value("circular_mask") ?? circularMask
        do { try validate() } catch { throw RecipeError("step \(r.label): \(error)") }
    }
}
