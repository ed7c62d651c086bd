import EBSDCore
import Foundation
import EBSDNumerics
import Crystallography
import DetectorGeometry

/// Pattern-centre calibration on the Hough/Radon transform of a few patterns (Bruker convention throughout).
///
/// The bands of every pattern are detected once, in the Radon transform made with the starting PC; a trial PC
/// only changes where those detector lines lie in gnomonic space (``Band/seen(from:to:rows:columns:)``), so
/// both objectives below are continuous in the PC rather than jumping as bands are re-detected:
///
/// - the Hough misfit (global stage): each pattern indexed from its band normals seen from the trial PC; the
///   mean angle between detected and fitted bands, plus a penalty for bands and patterns left unexplained;
/// - the Radon score (local stage): each pattern's orientation refined on its band-enhanced transform with
///   every band of the reflector library seen from the trial PC (``RadonRefinement``); the mean enhanced value
///   under the predicted bands — tens of bands with sub-cell interpolation, far more precise than the
///   detected peaks.
///
/// ``calibrate(_:start:)`` searches a coarse grid around the start on the misfit, then refines the best grid
/// points by Nelder–Mead on the score (``PCSearch``). ``calibrate(_:start:restarts:seed:)`` repeats that from
/// random starts and reports the spread of the results as the PC's uncertainty.
public struct HoughPCCalibration: Sendable {
    public var phases: [Phase]
    /// Detector shape, tilts and binning; its first PC is ignored (each calibration detects at its start).
    public var template: Detector
    public var bandCount = HoughIndexer.defaultBandCount
    /// Reflector families per phase (nil: ``HoughIndexer/defaultFamilyCount(phases:)``).
    public var familyCount: Int?
    /// The global and local search (±0.05 by default).
    public var search = PCSearch()
    /// Penalty (degrees) per pattern not indexed, and per fraction of its bands not explained.
    static let unindexedPenalty = 5.0, unexplainedPenalty = 0.5

    public init(detector: Detector, phases: [Phase]) {
        template = detector
        self.phases = phases
    }

    /// A calibrated PC, with what it was judged by.
    public struct Result: Sendable {
        public var pc: PatternCenter
        /// The Hough misfit at `pc`, degrees.
        public var misfit: Double
        /// The Radon score at `pc` (mean band-enhanced value under the predicted bands).
        public var score: Double
        /// Standard deviation of each coordinate over the restarts (nil for a single run), and where each ended.
        public var spread: PatternCenter?
        public var restarts: [PatternCenter] = []
    }

    /// Patterns with their bands and enhanced transforms, detected with one PC, and each pattern's phase as Hough
    /// chooses it there (band geometry, then band widths; nil where it indexes none).
    public struct Prepared: Sendable {
        public let hough: HoughIndexer
        public let bands: [[Band]]
        public let enhanced: [[Float]]
        public let phases: [Int?]

        /// The solution of pattern `k` seen from `pc`: its phase's, so that another phase explaining its bands better
        /// at some trial PC cannot pull the fit (every phase's by band geometry where none was chosen).
        func solution(_ k: Int, at pc: PatternCenter) -> IndexingSolution? {
            let normals = hough.bandNormals(bands[k], pc: pc)
            guard let phase = phases[k], hough.indexer.libraries.count > 1 else { return hough.indexer.index(normals) }
            return hough.indexer.indexEach(normals)[phase]
        }
    }

    /// Detects the bands of `patterns` once, with PC `pc`.
    public func prepare(_ patterns: [[Float]], at pc: PatternCenter) -> Prepared {
        var d = template
        d.pcs = [pc]
        let hi = HoughIndexer(detector: d, phases: phases, bandCount: bandCount, familyCount: familyCount, binning: 1)
        var bands = [[Band]](repeating: [], count: patterns.count), enhanced = [[Float]](repeating: [], count: patterns.count)
        var chosen = [Int?](repeating: nil, count: patterns.count)
        for (k, p) in patterns.enumerated() {
            if phases.count > 1 { chosen[k] = hi.analyse(p).solution?.phaseIndex }
            let pre = hi.preprocessor.apply(p)
            var t = [Float](repeating: 0, count: hi.radon.thetaCount * hi.radon.rhoCount)
            pre.withUnsafeBufferPointer { pb in
                t.withUnsafeMutableBufferPointer { hi.radon.transform(pb.baseAddress!, into: $0.baseAddress!) }
            }
            enhanced[k] = hi.bands.enhance(t)
            bands[k] = hi.bands.detect(enhanced: enhanced[k])
        }
        return Prepared(hough: hi, bands: bands, enhanced: enhanced, phases: chosen)
    }

    /// The Hough misfit (degrees, with penalties) of prepared patterns seen from `pc`.
    public func misfit(_ pc: PatternCenter, _ p: Prepared) -> Double {
        guard PCSearch.plausible(pc) else { return .infinity }
        var total = 0.0
        for k in p.bands.indices {
            guard let s = p.solution(k, at: pc) else {
                total += Self.unindexedPenalty
                continue
            }
            total += s.fit + Self.unexplainedPenalty * Double(s.bandsDetected - s.bandsMatched) / Double(max(1, s.bandsDetected))
        }
        return total / Double(max(1, p.bands.count))
    }

    /// The mean Radon score of prepared patterns seen from `pc` (0 for a pattern not indexed).
    public func score(_ pc: PatternCenter, _ p: Prepared) -> Double {
        guard PCSearch.plausible(pc), let rr = p.hough.radonRefinement else { return 0 }
        var total = 0.0
        for k in p.bands.indices {
            guard let s = p.solution(k, at: pc) else { continue }
            let normals = p.hough.indexer.libraries[s.phaseIndex].normals
            total += rr.refine(enhanced: p.enhanced[k], start: s.rotation, crystalNormals: normals, pc: pc).score ?? 0
        }
        return total / Double(max(1, p.bands.count))
    }

    /// The Hough misfit of `patterns` at `pc`, bands detected at `pc` itself.
    public func objective(_ pc: PatternCenter, _ patterns: [[Float]]) -> Double {
        guard PCSearch.plausible(pc) else { return .infinity }
        return misfit(pc, prepare(patterns, at: pc))
    }

    /// Global grid search on the misfit, then local Nelder–Mead on the score from the best grid points.
    public func calibrate(_ patterns: [[Float]], start: PatternCenter) -> Result {
        let p = prepare(patterns, at: start)
        return result(search.search(from: start, global: { misfit($0, p) }, local: { -score($0, p) }), p)
    }

    /// ``calibrate(_:start:)`` from `restarts` random starts within the search range of `start` (seeded), bands
    /// detected anew at each: the best-scoring result, with the spread of the restarts as its uncertainty.
    public func calibrate(_ patterns: [[Float]], start: PatternCenter, restarts: Int, seed: UInt64 = 1) -> Result {
        let r = search.search(from: start, restarts: restarts, seed: seed) { s in
            let p = prepare(patterns, at: s)
            return ({ misfit($0, p) }, { -score($0, p) })
        }
        return result(r, prepare(patterns, at: r.pc))
    }

    func result(_ r: PCSearch.Result, _ p: Prepared) -> Result {
        Result(pc: r.pc, misfit: misfit(r.pc, p), score: -r.value, spread: r.spread, restarts: r.restarts)
    }
}
