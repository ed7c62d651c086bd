import Foundation
import Crystallography

/// Names of the quality properties the readers and writers know.
public enum MapProperty {
    /// EDAX confidence index (−1 = not indexed).
    public static let confidenceIndex = "ci"
    /// EDAX image quality.
    public static let imageQuality = "iq"
    /// EDAX fit (mean angular deviation of the Hough solution, degrees).
    public static let fit = "fit"
    /// EDAX secondary-electron / detector signal.
    public static let detectorSignal = "sem"
    /// Oxford mean angular deviation (degrees).
    public static let meanAngularDeviation = "mad"
    /// Oxford band contrast (0–255).
    public static let bandContrast = "bc"
    /// Oxford band slope (0–255).
    public static let bandSlope = "bs"
    /// Number of bands detected.
    public static let bands = "bands"
    /// Number of detected bands that the Hough solution matched.
    public static let bandsMatched = "bands_matched"
    /// Oxford error code (0 = success).
    public static let error = "error"
    /// Pattern-matching score (normalised cross-correlation).
    public static let score = "score"
    /// Pattern centre of each point as the file states it, in the file's own convention (metadata
    /// `pattern_center_convention` names it): x, y and z (or distance).
    public static let patternCenterX = "pc_x"
    public static let patternCenterY = "pc_y"
    public static let patternCenterZ = "pc_z"
}
