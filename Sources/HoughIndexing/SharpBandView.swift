import Foundation
import DetectorGeometry
import Preprocessing

/// A sharper view of a pattern's bands for the last step of Hough indexing, the orientation refinement: the
/// pattern with its background removed as for detection (``HoughIndexer`` removes it once for this view, the width
/// check and the sharpness) but smoothed less (a Gaussian of at most ``gaussianSigma`` px), a line-sampled Radon
/// transform (``cellsPerPixel`` ρ cells per detector pixel), and a band kernel ``kernelScale`` × the strongest
/// reflector's Bragg width 2θ wide instead of detection's 2 ×.
///
/// Why: detection wants a wide kernel (a kernel of the bare Bragg width finds false bands through bright zone
/// axes), but a wide kernel's side lobes reach the dark and bright lines that flank real bands unevenly (excess
/// and deficiency lines, stronger on the side towards the sample), and move the located band. On the 9 real Ni
/// patterns (60 × 60 px, own reference PCs) the detection view puts band centres 0.24 px off, in the detector's
/// y direction, against the reference orientations; the band cores themselves sit 0.07–0.10 px off.
/// On noisy patterns the narrower kernel sees more noise, so ``HoughIndexer`` refines on this view only where the
/// bands stand out more in it than in the detection view (``RadonRefinement/contrast(enhanced:score:)``) — every
/// one of the 9 real Ni patterns; the noisy synthetic Na dev sets keep their accuracy (60 px: 96.8 % within 2°,
/// median 0.38°; 120 px: 100 %, 0.162° → 0.165°).
public struct SharpBandView: Sendable {
    /// ρ cells per detector pixel of the line-sampled transform.
    public static let cellsPerPixel = 2.0
    /// The largest Gaussian pre-filter (px); detection's is 1 px.
    public static let gaussianSigma = 0.5
    /// Band-kernel width in units of the strongest reflector's Bragg width 2θ (detection: ``HoughIndexer`` 2).
    public static let kernelScale = 1.4

    /// The sharpness (``PatternQuality``, of the background-removed pattern) below which a pattern keeps the detection
    /// view without the sharp one being made (making it costs 25–45 % of a pattern's Hough time). Measured: the 9 real
    /// 60 px Ni patterns 0.162–0.201 after their static background is subtracted, 0.337–0.350 without (the sharp view
    /// wins on all 9 either way); the noisy synthetic Na sets at most 0.125 (60 px 0.041–0.114, where the sharp view won
    /// on 11 of 500 patterns, 120 px 0.041–0.079, 8 of 300, the demo sample 0.013–0.125, 230 of 2400, by small margins).
    public static let minimumSharpness = 0.145

    public let radon: RadonTransform
    /// Applied to the background-removed pattern: the Gaussian of at most ``gaussianSigma`` px (none when detection
    /// has none), then detection's steps after its Gaussian.
    public let smoothing: Preprocessor
    public let bands: BandDetector
    public let refinement: RadonRefinement

    /// - Parameters: `detectionGaussian` σ of detection's Gaussian filter (nil: none), `stepsAfter` detection's steps
    ///   after it, `braggWidth` 2θ of the strongest reflector (radians).
    public init(detector: Detector, thetaCount: Int, detectionGaussian: Double?, stepsAfter: [PreprocessStep], braggWidth: Double) {
        radon = RadonTransform(detector: detector, thetaCount: thetaCount, sampling: .lines(cellsPerPixel: Self.cellsPerPixel))
        smoothing = Preprocessor(
            rows: detector.rows, columns: detector.columns,
            steps: (detectionGaussian.map { [.gaussianFilter(sigma: min($0, Self.gaussianSigma))] } ?? []) + stepsAfter)
        let cell = 2 * radon.rhoMax / Double(radon.rhoCount)
        bands = BandDetector(radon: radon, bandWidth: Self.kernelScale * braggWidth / cell)
        refinement = RadonRefinement(radon: radon)
    }
}
