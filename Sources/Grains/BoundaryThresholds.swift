/// The misorientation thresholds that classify boundaries between neighbouring pixels, in degrees: grain
/// (high-angle) boundaries where the disorientation exceeds `highDegrees`, low-angle boundaries from `lowDegrees`
/// to it. Grains are the regions the high-angle boundaries enclose.
///
/// The defaults are the reference study's (Fuchs, Ortmann et al. 2024): HAGB 10° (drawn black), LAGB 2° (white).
/// They are defined here once; the CLI options `--hagb`/`--lagb`, the recipe keys `hagb`/`lagb` and every type that
/// segments grains or draws boundaries take them from this type.
///
///     try BoundaryThresholds(lowDegrees: 2, highDegrees: 15).validate()   // fine
///     try BoundaryThresholds(lowDegrees: 12).validate()                    // throws: 0 < lagb < hagb
public struct BoundaryThresholds: Sendable, Hashable {
    /// The reference study's grain-boundary threshold (degrees).
    public static let defaultHighDegrees = 10.0
    /// The reference study's low-angle boundary threshold (degrees).
    public static let defaultLowDegrees = 2.0

    /// Low-angle boundary threshold (degrees); 0 < `lowDegrees` < `highDegrees`.
    public var lowDegrees: Double
    /// High-angle (grain) boundary threshold (degrees).
    public var highDegrees: Double

    public init(lowDegrees: Double = defaultLowDegrees, highDegrees: Double = defaultHighDegrees) {
        self.lowDegrees = lowDegrees
        self.highDegrees = highDegrees
    }

    /// Checks 0 < low < high (both finite).
    public func validate() throws(GrainAnalysisError) {
        guard lowDegrees.isFinite, highDegrees.isFinite, lowDegrees > 0, lowDegrees < highDegrees else {
            throw GrainAnalysisError("thresholds must satisfy 0 < lagb < hagb (got lagb \(lowDegrees)°, hagb \(highDegrees)°)")
        }
    }
}
