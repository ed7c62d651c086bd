/// The default width of the dynamic background every stage removes from a pattern before it looks at its bands
/// (Hough indexing, matching, calibration, sharpness, the flip check): a Gaussian of σ = pattern width / 8 px,
/// kikuchipy's default for `remove_dynamic_background`. Defined once here; a stage's own option (e.g.
/// `dynamicBackgroundSigma`) overrides it.
///
///     DynamicBackground.defaultSigma(columns: 60)   // 7.5 px
public enum DynamicBackground {
    /// The divisor of the pattern width that gives the default σ.
    public static let widthDivisor = 8.0

    /// The default σ (px) for patterns `columns` pixels wide.
    @inlinable public static func defaultSigma(columns: Int) -> Double { Double(columns) / widthDivisor }
}
