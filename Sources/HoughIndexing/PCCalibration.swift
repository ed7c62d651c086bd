import Foundation
import EBSDNumerics
import Crystallography
import DetectorGeometry

/// Pattern-centre calibration: the PC (Bruker) that minimises the Hough fit —
/// the mean angular deviation between detected and fitted bands, with a
/// penalty for bands or patterns left unexplained — over a few patterns,
/// found by Nelder–Mead from a rough start.
public struct PCCalibration: Sendable {
    public var phases: [Phase]
    public var template: Detector
    public var bandCount = 11
    /// Initial simplex step (Bruker units).
    public var step = 0.02
    public var iterations = 60

    public init(detector: Detector, phases: [Phase]) {
        template = detector
        self.phases = phases
    }

    /// Mean misfit (degrees) of the patterns for a PC.
    public func objective(_ pc: PatternCenter, _ patterns: [[Float]]) -> Double {
        guard pc.z > 0.05, pc.x > 0, pc.x < 1, pc.y > 0, pc.y < 1 else { return 1e6 }
        var d = template
        d.pcs = [pc]
        let hi = HoughIndexer(detector: d, phases: phases, bandCount: bandCount)
        var total = 0.0
        for p in patterns {
            guard let s = hi.index(p).0 else {
                total += 5
                continue
            }
            total += s.fit + 0.5 * Double(s.bandsDetected - s.bandsMatched) / Double(max(1, s.bandsDetected))
        }
        return total / Double(max(1, patterns.count))
    }

    /// The calibrated PC and its objective value: Nelder–Mead, restarted twice from
    /// its best point with a smaller simplex (the objective is piecewise constant in places).
    public func calibrate(_ patterns: [[Float]], start: PatternCenter) -> (pc: PatternCenter, misfit: Double) {
        var best = nelderMead(patterns, start: start, step: step)
        for k in 1...2 {
            let next = nelderMead(patterns, start: best.pc, step: step / Double(2 * k))
            if next.misfit <= best.misfit { best = next }
        }
        return best
    }

    func nelderMead(_ patterns: [[Float]], start: PatternCenter, step: Double) -> (pc: PatternCenter, misfit: Double) {
        let r = NelderMead(tolerance: 1e-4, maxIterations: iterations).minimize(
            { objective(PatternCenter($0[0], $0[1], $0[2]), patterns) },
            start: [start.x, start.y, start.z], step: [step, step, step])
        return (PatternCenter(r.x[0], r.x[1], r.x[2]), r.value)
    }
}
