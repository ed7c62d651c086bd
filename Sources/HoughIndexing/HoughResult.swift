import Foundation

/// Everything Hough indexing learns from one pattern: the solution (nil when no phase explains the
/// bands), the detected bands, and the pattern's figures of merit (``HoughQuality``; sharpness and mean
/// intensity as ``Preprocessing/PatternQuality`` defines them, on the background-corrected and the raw pattern).
public struct HoughResult: Sendable {
    public var solution: IndexingSolution?
    public var bands: [Band]
    public var quality: HoughQuality
    public var sharpness: Double
    public var meanIntensity: Double
}
