import EBSDCore
import Foundation
import EBSDNumerics

/// How a background is removed.
public enum BackgroundOperation: String, Sendable, CaseIterable { case subtract, divide }

/// One preprocessing step on a Float32 pattern (rows × columns, row-major).
public enum PreprocessStep: Sendable {
    /// Remove a static background image (e.g. the vendor's, or the stack mean); then rescale to 0…255.
    case staticBackground(image: [Float], operation: BackgroundOperation)
    /// Remove a Gaussian-blurred copy of the pattern (σ in pixels; kikuchipy's default is width/8); then rescale to 0…255.
    case dynamicBackground(sigma: Double, operation: BackgroundOperation)
    /// As `dynamicBackground`, but the (smooth) background is estimated on the pattern
    /// binned by `factor` and interpolated back — much faster for wide blurs.
    case dynamicBackgroundBinned(sigma: Double, factor: Int, operation: BackgroundOperation)
    /// Gaussian smoothing (σ in pixels).
    case gaussianFilter(sigma: Double)
    /// Average blocks of `factor × factor` pixels (the pattern shrinks).
    case binning(factor: Int)
    /// Set pixels outside the mask to 0 (`mask[i]` true = keep).
    case mask([Bool])
    /// Truncate to integer steps after clamping to 0…255, as a cast to uint8 does.
    case quantizeUInt8
    /// Zero mean and unit Euclidean norm (over the mask's pixels if given).
    case normalize(mask: [Bool]?)
    /// Clamp intensities to their `lower`…`upper` percentiles (e.g. 2…98), taming bright zone axes.
    case clipPercentiles(lower: Double, upper: Double)
}
