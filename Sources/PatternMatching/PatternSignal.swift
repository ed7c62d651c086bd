import EBSDCore
import Foundation
import Crystallography
import DetectorGeometry
import PatternSimulation
import Preprocessing
import PatternStacks

/// How measured and simulated patterns are made comparable: the measured
/// pattern goes through `experimental` (background removal, optional Gaussian
/// filter and binning); both are then reduced to the pixels inside `mask`
/// (all pixels when nil) and normalised to zero mean and unit norm, so that
/// the dot product of two prepared patterns is their normalised
/// cross-correlation (NCC, Pearson r over the mask).
///
/// Simulated patterns are projected on `detector`, whose shape is the shape
/// the experimental preprocessor puts out (a binned detector when binning).
public struct PatternSignal: Sendable {
    /// The detector simulated patterns are projected on (binned when the preprocessor bins).
    public private(set) var detector: Detector
    public let experimental: Preprocessor
    /// Indices of the detector pixels used (inside the mask).
    public let active: [Int32]
    public var length: Int { active.count }
    /// Gaussian blur given to simulated patterns (the detector's point-spread), or nil.
    public let simulatedBlur: SeparableBlur?

    public init(detector: Detector, experimental: Preprocessor, mask: [Bool]? = nil, simulatedBlurSigma: Double = 0) {
        precondition(
            experimental.outputShape.rows == detector.rows && experimental.outputShape.columns == detector.columns,
            "the experimental preprocessor must put out the detector's shape")
        self.detector = detector
        self.experimental = experimental
        simulatedBlur =
            simulatedBlurSigma > 0 ? SeparableBlur(rows: detector.rows, columns: detector.columns, sigma: simulatedBlurSigma) : nil
        active = (0..<detector.pixelCount).filter { mask?[$0] ?? true }.map { Int32($0) }
    }

    /// The same signal on a detector with one other pattern centre (Bruker).
    public func with(patternCenter pc: PatternCenter) -> PatternSignal {
        var copy = self
        copy.detector.pcs = [pc]
        return copy
    }

    /// Packs the active pixels of `pattern` into `out` (length `length`), zero mean, unit norm.
    @inline(__always) public func pack(_ pattern: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        active.withUnsafeBufferPointer { PatternNormalization.gatherNormalized(pattern, indices: $0, into: out) }
    }

    /// Prepares `count` raw measured patterns (contiguous), in parallel: `[count × length]`.
    public func prepareExperimental(_ raw: [Float], count: Int) -> [Float] {
        let processed = experimental.apply(batch: raw, count: count)
        let np = detector.pixelCount, n = length
        var out = [Float](repeating: 0, count: count * n)
        processed.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = UncheckedPointer(readOnly: src.baseAddress!), d = UncheckedPointer(dst.baseAddress!)
                parallelFor(count) { k in pack(s.p + k * np, into: d.p + k * n) }
            }
        }
        return out
    }

    /// Projects and prepares simulated patterns for `rotations` into `out` (`[rotations.count × length]`), in parallel.
    public func prepareSimulated(_ projector: PatternProjector, _ rotations: ArraySlice<Rotation>, into out: UnsafeMutablePointer<Float>) {
        let np = detector.pixelCount, n = length
        let d = UncheckedPointer(out)
        let base = rotations.startIndex
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let per = (rotations.count + workers - 1) / workers
        parallelFor(workers) { w in
            var buf = [Float](repeating: 0, count: 2 * np)
            buf.withUnsafeMutableBufferPointer { b in
                for k in (w * per)..<min(rotations.count, (w + 1) * per) {
                    projector.render(rotations[base + k], pcIndex: 0, into: b.baseAddress!)
                    simulatedBlur?.apply(b.baseAddress!, scratch: b.baseAddress! + np)
                    pack(b.baseAddress!, into: d.p + k * n)
                }
            }
        }
    }

    /// NCC between one prepared measured pattern and the pattern simulated for `g`
    /// (with `projector`, e.g. one built for a refined PC); `scratch` holds 2 × `detector.pixelCount`
    /// floats and `packed` `length` floats.
    @inline(__always) public func score(
        _ prepared: UnsafePointer<Float>, _ projector: PatternProjector, _ g: Rotation,
        scratch: UnsafeMutablePointer<Float>, packed: UnsafeMutablePointer<Float>
    ) -> Float {
        projector.render(g, pcIndex: 0, into: scratch)
        simulatedBlur?.apply(scratch, scratch: scratch + detector.pixelCount)
        pack(scratch, into: packed)
        var s: Float = 0
        for i in 0..<length { s += prepared[i] * packed[i] }
        return s
    }
}

extension PatternSignal {
    /// How many patterns of `stack` a streamed matching pass holds at once within `memoryBytes`: a quarter of the budget
    /// for each pattern's raw and prepared floats, at least 1, at most `maximum`.
    public func patternsPerChunk(memoryBytes: Int, stack: PatternStack, maximum: Int) -> Int {
        let bytesPerPattern = (stack.patternSize + length) * MemoryLayout<Float>.size
        return max(1, min(maximum, memoryBytes / 4 / bytesPerPattern))
    }
}
