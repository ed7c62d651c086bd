import Foundation
import Crystallography

/// How Hough chooses among the solutions of several phases for one pattern, on the same detected bands.
///
/// 1. **Geometry first.** Each phase's solution scores matched bands × (``fitLimitDegrees`` − mean fit), i.e.
///    matched × (3° − fit). A band counts only when the phase's reflectors explain it within the fit tolerance (2°),
///    so the phase whose inter-band angle table fits more of the detected bands wins — bcc {110} {200} {211} {310}
///    and fcc {111} {200} {220} {311} give different angle tables; a phase that needs a much worse fit to explain one
///    band more does not (3° = 1.5 × the tolerance: a band fitted at the tolerance's edge weighs a third of a
///    perfect one). This is PyEBSDIndex's rule ((3 − fit) × matched); it picks Ni for 9 of 9 real Ni patterns
///    against α-Fe, where the earlier rule (band widths among all solutions within 2 matched bands) picked 7.
/// 2. **Band widths where geometry cannot tell.** Phases whose reflectors run along the same directions (bcc Na and
///    antifluorite Na₂O: Na₂O's {220} {400} {422} lie along Na's {110} {200} {211}) give solutions of the same
///    orientation that explain the same bands. Solutions of the best's Laue group whose orientation lies within
///    ``sameOrientationDegrees`` of it and that match as many bands (``matchSlack`` 0) go to the band widths
///    (``BandWidthCheck``: the phase whose Bragg widths fit the Radon profiles). A slack of 2 bands sent 21 of 100
///    simulated 60 px Ni patterns to the width check against α-Fe, which took them for Fe: at 60 px the widths are
///    a pixel or two, and α-Fe's 5-family library explains most fcc bands at the same orientation.
public struct PhaseChoice: Sendable, Hashable {
    /// The fit (degrees) at which a matched band would stop counting.
    public var fitLimitDegrees = 3.0
    /// Solutions whose orientations lie this close (degrees, under the Laue group's symmetry) read the bands alike.
    public var sameOrientationDegrees = 5.0
    /// Such solutions within this many matched bands of the best go to the band-width check.
    public var matchSlack = 0

    public init() {}

    /// The geometric score of a solution: matched bands × (``fitLimitDegrees`` − fit).
    public func score(_ s: IndexingSolution) -> Double { Double(s.bandsMatched) * max(0, fitLimitDegrees - s.fit) }

    /// The best solution by ``score(_:)`` and those geometry cannot tell from it (the best first): same Laue group,
    /// orientation within ``sameOrientationDegrees``, matched bands within ``matchSlack``. `groups` is each phase's
    /// Laue group, by ``IndexingSolution/phaseIndex``.
    public func candidates(_ solutions: [IndexingSolution], groups: [LaueGroup]) -> [IndexingSolution] {
        guard let best = solutions.max(by: { score($0) < score($1) || (score($0) == score($1) && $0.phaseIndex > $1.phaseIndex) }) else {
            return []
        }
        let group = groups[best.phaseIndex]
        let cosHalf = cos(sameOrientationDegrees * .pi / 360)
        let alike = solutions.filter { s in
            s.phaseIndex != best.phaseIndex && groups[s.phaseIndex] == group && abs(s.bandsMatched - best.bandsMatched) <= matchSlack
                && group.maxAbsScalar(s.rotation.q * best.rotation.q.conjugate) >= cosHalf
        }
        return [best] + alike
    }
}
