import Foundation
import Crystallography
import DetectorGeometry
import EBSDCore
import PatternSimulation
import PatternStacks
import Preprocessing

/// The pseudo-symmetry flip check on the raw patterns (the reference study corrected
/// 60°<111> fragments only where the patterns confirmed it): a flip of pixel i from
/// `current` to `flipped` is confirmed when the pattern simulated for `flipped` matches
/// the pixel's own pattern, after dynamic-background removal, better by NCC.
///
/// The dynamic-background σ defaults as in ``MatchingSignalOptions`` (pattern width / 8).
/// A pattern that cannot be read confirms nothing.
public struct PatternFlipCheck: Sendable {
    public let stack: PatternStack
    public let projector: PatternProjector
    public let preprocessor: Preprocessor

    public init(stack: PatternStack, master: MasterPattern, detector: Detector, dynamicBackgroundSigma: Double? = nil) {
        var defaults = MatchingSignalOptions()
        defaults.dynamicBackgroundSigma = dynamicBackgroundSigma
        let sigma = defaults.dynamicBackground(columns: detector.columns)
        self.stack = stack
        projector = PatternProjector(master: master, detector: detector.withMeanPC)
        preprocessor = Preprocessor(
            rows: detector.rows, columns: detector.columns,
            steps: sigma > 0 ? [.dynamicBackground(sigma: sigma, operation: .subtract)] : [])
    }

    /// True when pixel `pixel`'s pattern prefers `flipped` over `current`.
    public func confirms(pixel: Int, current: Rotation, flipped: Rotation) -> Bool {
        guard let raw = try? stack.read(pixel..<(pixel + 1)) else { return false }
        let e = preprocessor.apply(raw)
        return PatternNormalization.ncc(e, projector.pattern(flipped)) > PatternNormalization.ncc(e, projector.pattern(current))
    }

    /// The check as the `verify` closure of a pseudo-symmetry correction.
    public var verifier: @Sendable (Int, Rotation, Rotation) -> Bool {
        let check = self
        return { check.confirms(pixel: $0, current: $1, flipped: $2) }
    }
}
