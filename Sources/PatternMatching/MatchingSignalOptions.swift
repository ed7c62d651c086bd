import EBSDCore
import Foundation
import DetectorGeometry
import PatternStacks
import Preprocessing

/// How measured patterns are prepared for matching and refinement, and the
/// point-spread given to simulated ones: the options behind ``PatternSignal``.
/// Every entry point (the `ebsd` commands, recipes, Swift callers) starts from
/// these defaults:
///
/// | option | default |
/// |---|---|
/// | static background | the stack's mean pattern, subtracted |
/// | dynamic background | Gaussian σ = pattern width / 8 px, subtracted (0: none) |
/// | Gaussian filter | none (σ px; for weak patterns, as the reference study on Na) |
/// | binning | 1 (a factor that divides the pattern shape) |
/// | point spread of simulated patterns | none (σ px) |
/// | mask | none (`circularMask`: the inscribed circle) |
public struct MatchingSignalOptions: Sendable, Hashable {
    /// The static background removed from every measured pattern (``Preprocessing/StaticBackground``).
    public typealias StaticBackground = Preprocessing.StaticBackground

    public var staticBackground: StaticBackground = .mean
    /// Dynamic-background σ in px; nil: pattern width / 8; 0: none.
    public var dynamicBackgroundSigma: Double?
    /// Gaussian filter σ in px on the measured patterns (0: none).
    public var gaussianSigma = 0.0
    /// Binning factor applied to measured patterns (simulated ones are made at the binned size).
    public var binning = 1
    /// Point-spread σ in px given to simulated patterns (0: none).
    public var psfSigma = 0.0
    /// Match only inside the circle inscribed in the pattern.
    public var circularMask = false

    public init() {}

    /// The dynamic-background σ used for patterns `columns` px wide.
    public func dynamicBackground(columns: Int) -> Double {
        dynamicBackgroundSigma ?? DynamicBackground.defaultSigma(columns: columns)
    }

    /// Checks the values on their own (before a detector is known).
    public func validate() throws(MatchingError) {
        guard binning >= 1 else { throw MatchingError("binning must be ≥ 1 (got \(binning))") }
        guard gaussianSigma >= 0, psfSigma >= 0, (dynamicBackgroundSigma ?? 0) >= 0 else {
            throw MatchingError("the Gaussian filter, point-spread and dynamic-background σ must be ≥ 0")
        }
    }

    /// The matching signal for patterns of `detector`'s shape from `stack` (reads the stack once for a mean
    /// static background, unless `meanPattern`, the stack's mean already computed, is given).
    public func signal(detector det: Detector, stack: PatternStack, meanPattern: [Float]? = nil) throws -> PatternSignal {
        try validate()
        guard det.rows % binning == 0, det.columns % binning == 0 else {
            throw MatchingError("binning \(binning) does not divide the \(det.rows)x\(det.columns) patterns")
        }
        var steps: [PreprocessStep] = []
        do {
            if let bg = try staticBackground.image(for: stack, meanPattern: meanPattern) {
                steps.append(.staticBackground(image: bg, operation: .subtract))
            }
        } catch let e as StaticBackgroundError { throw MatchingError(key: "static_background", e.description) }
        let sigma = dynamicBackground(columns: det.columns)
        if sigma > 0 { steps.append(.dynamicBackground(sigma: sigma, operation: .subtract)) }
        if gaussianSigma > 0 { steps.append(.gaussianFilter(sigma: gaussianSigma)) }
        if binning > 1 { steps.append(.binning(factor: binning)) }
        let small = det.binned(by: binning)
        let mask = circularMask ? Preprocessing.circularMask(rows: small.rows, columns: small.columns) : nil
        let experimental = Preprocessor(rows: det.rows, columns: det.columns, steps: steps)
        return PatternSignal(detector: small, experimental: experimental, mask: mask, simulatedBlurSigma: psfSigma)
    }
}
