import Foundation
import Crystallography
import CrystalMaps
import Grains

/// Pseudo-symmetry correction: grain fragments related to the grain that
/// surrounds them by a pseudo-symmetry operator (default for cubic phases:
/// 60° about <111>) are rotated back.
///
/// The map is segmented at `segmentationDegrees`; a fragment of at most
/// `maximumFragmentPixels` whose boundary is mostly (≥ half of its contacts)
/// shared with one grain, and whose mean orientation maps onto that grain's
/// within `toleranceDegrees` by one of the operator's symmetric variants
/// (`g' = v g`, v = s·op·s⁻¹ or its inverse), is a candidate.
///
/// Guard against real Σ3 twins: twins are lamellae with straight, parallel
/// boundaries, so a candidate whose fitted ellipse has an aspect ratio of at
/// least `twinAspectRatio` (and at least `twinMinimumPixels`) is left alone,
/// as is any fragment larger than `maximumFragmentPixels`.
///
/// With `verify` (given the pattern stack and master pattern, the caller
/// compares the NCC of both orientations on the raw pattern), a pixel is
/// flipped only when its pattern prefers the flipped orientation — as the
/// reference study checked every correction on the patterns.
public struct PseudoSymmetryCorrection: CleanupStep {
    public var operators: [Rotation]
    public var toleranceDegrees = 5.0
    public var segmentationDegrees = 5.0
    public var maximumFragmentPixels = 200
    public var twinAspectRatio = 3.0
    public var twinMinimumPixels = 10
    /// (pixel, current rotation, flipped rotation) → true to flip.
    public var verify: (@Sendable (Int, Rotation, Rotation) -> Bool)?
    public var name: String { "pseudo-symmetry" }

    public init(operators: [Rotation], toleranceDegrees: Double = 5, verify: (@Sendable (Int, Rotation, Rotation) -> Bool)? = nil) {
        self.operators = operators
        self.toleranceDegrees = toleranceDegrees
        self.verify = verify
    }

    /// The correction for operators written ANGLE@UVW (e.g. ``PseudoSymmetryOperator/cubicSigma3``).
    public init(
        _ operators: [PseudoSymmetryOperator], toleranceDegrees: Double = 5, verify: (@Sendable (Int, Rotation, Rotation) -> Bool)? = nil
    ) {
        self.init(operators: operators.map(\.rotation), toleranceDegrees: toleranceDegrees, verify: verify)
    }

    /// All symmetric variants of the operators (and their inverses) in `group`.
    public func variants(_ group: LaueGroup) -> [Rotation] { PseudoSymmetryOperator.variants(of: operators, in: group) }

    public func apply(_ map: CrystalMap) throws -> (CrystalMap, CleanupReport) {
        guard toleranceDegrees > 0, segmentationDegrees > 0 else { throw CleanupError("pseudo-symmetry: tolerances must be > 0°") }
        guard !operators.isEmpty else { throw CleanupError("pseudo-symmetry: no operator given") }
        let gm = GrainSegmentation(thresholdDegrees: segmentationDegrees, connectivity: .eight).segment(map)
        let labels = gm.labels
        let cols = map.grid.columns
        // Boundary contacts per fragment: neighbour grain → count (4-neighbours).
        var contacts = [[Int32: Int]](repeating: [:], count: gm.grains.count)
        for i in 0..<map.count where labels[i] >= 0 {
            let r = i / cols, c = i % cols
            for (dr, dc) in [(0, 1), (1, 0), (0, -1), (-1, 0)] {
                let rr = r + dr, cc = c + dc
                guard rr >= 0, rr < map.grid.rows, cc >= 0, cc < cols else { continue }
                let l = labels[rr * cols + cc]
                if l >= 0 && l != labels[i] { contacts[Int(labels[i])][l, default: 0] += 1 }
            }
        }
        var pixelsOf = [[Int]](repeating: [], count: gm.grains.count)
        for i in 0..<map.count where labels[i] >= 0 { pixelsOf[Int(labels[i])].append(i) }
        var out = map
        var fragmentsFlipped = 0, pixelsFlipped = 0, confirmed = 0, rejected = 0, twins = 0
        let cosTol = cosHalf(degrees: toleranceDegrees)
        for f in gm.grains where f.pixelCount <= maximumFragmentPixels {
            let cs = contacts[f.id]
            // the neighbour with most contacts; a tie goes to the lower grain id (never to the dictionary's order,
            // which differs from run to run)
            guard let (sid, sc) = cs.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) else { continue }
            let total = cs.values.reduce(0, +)
            guard 2 * sc >= total else { continue }
            let s = gm.grains[Int(sid)]
            guard s.phaseIndex == f.phaseIndex, s.pixelCount > f.pixelCount else { continue }
            let group = map.phases[f.phaseIndex].phase.laueGroup
            var best: Rotation?, bestC = cosTol
            for v in variants(group) {
                let c = group.maxAbsScalar(s.meanOrientation.q * (v * f.meanOrientation).q.conjugate)
                if c >= bestC {
                    bestC = c
                    best = v
                }
            }
            guard let v = best else { continue }
            if f.aspectRatio >= twinAspectRatio && f.pixelCount >= twinMinimumPixels {
                twins += f.pixelCount
                continue
            }
            var any = false
            for i in pixelsOf[f.id] {
                let flipped = v * map.rotations[i]
                if let check = verify {
                    if check(i, map.rotations[i], flipped) {
                        confirmed += 1
                    } else {
                        rejected += 1
                        continue
                    }
                }
                out.rotations[i] = flipped
                pixelsFlipped += 1
                any = true
            }
            if any { fragmentsFlipped += 1 }
        }
        var counts: [(String, Int)] = [
            ("fragments corrected", fragmentsFlipped), ("pixels corrected", pixelsFlipped),
            ("twin-like pixels left alone", twins),
        ]
        if verify != nil { counts += [("flips confirmed by patterns", confirmed), ("flips rejected by patterns", rejected)] }
        return (out, CleanupReport(step: name, counts: counts))
    }
}
