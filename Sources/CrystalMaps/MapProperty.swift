import Foundation
import Crystallography

/// Names of the quality properties the readers and writers know.
public enum MapProperty {
    /// Confidence index of a Hough (band-voting) solution, or as a file states it (EDAX's CI column; −1 = not
    /// indexed). Never a pattern-matching NCC: that is ``score``. Our Hough writes the share of all band-triplet votes
    /// that agree with the solution's reading of the bands, 0…1 (PyEBSDIndex's confidence metric; see
    /// `BandIndexer.voteShare`): real Ni 0.41–0.82, a wrong phase's solution 0.15–0.49. A file's CI keeps its
    /// vendor's meaning (OIM: the votes of the best minus the second solution over all votes).
    public static let confidenceIndex = "ci"
    /// Image quality: EDAX's IQ as read from files; from Hough indexing here, the mean height of the detected
    /// peaks in the band-enhanced Radon transform (OIM's definition).
    public static let imageQuality = "iq"
    /// Pattern sharpness: Krieger Lassen's image quality from the pattern's amplitude spectrum (kikuchipy's
    /// `get_image_quality`), 0…1.
    public static let patternSharpness = "sharpness"
    /// Mean pattern intensity (a virtual backscatter-electron image).
    public static let meanIntensity = "mean_intensity"
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
    /// Pattern-matching score: the normalised cross-correlation (NCC) of a pattern with its best simulated pattern,
    /// written by dictionary indexing, refinement and the neighbour check (orix/kikuchipy's `scores`).
    public static let score = "score"
    /// Pattern centre of each point as the file states it, in the file's own convention (metadata
    /// `pattern_center_convention` names it): x, y and z (or distance).
    public static let patternCenterX = "pc_x"
    public static let patternCenterY = "pc_y"
    public static let patternCenterZ = "pc_z"
}
