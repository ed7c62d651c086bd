import Foundation
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

    public init(detector: Detector, phases: [Phase]) { template = detector; self.phases = phases }

    /// Mean misfit (degrees) of the patterns for a PC.
    public func objective(_ pc: PatternCenter, _ patterns: [[Float]]) -> Double {
        guard pc.z > 0.05, pc.x > 0, pc.x < 1, pc.y > 0, pc.y < 1 else { return 1e6 }
        var d = template
        d.pcs = [pc]
        let hi = HoughIndexer(detector: d, phases: phases, bandCount: bandCount)
        var total = 0.0
        for p in patterns {
            guard let s = hi.index(p).0 else { total += 5; continue }
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
        func f(_ v: [Double]) -> Double { objective(PatternCenter(v[0], v[1], v[2]), patterns) }
        var simplex: [[Double]] = [[start.x, start.y, start.z]]
        for k in 0..<3 { var v = simplex[0]; v[k] += step; simplex.append(v) }
        var values = simplex.map(f)
        for _ in 0..<iterations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }; values = order.map { values[$0] }
            let centroid = (0..<3).map { k in (0..<3).reduce(0.0) { $0 + simplex[$1][k] } / 3 }
            func along(_ t: Double) -> [Double] { (0..<3).map { centroid[$0] + t * (simplex[3][$0] - centroid[$0]) } }
            let r = along(-1), fr = f(r)
            if fr < values[0] {
                let e = along(-2), fe = f(e)
                if fe < fr { simplex[3] = e; values[3] = fe } else { simplex[3] = r; values[3] = fr }
            } else if fr < values[2] {
                simplex[3] = r; values[3] = fr
            } else {
                let c = along(0.5), fc = f(c)
                if fc < values[3] { simplex[3] = c; values[3] = fc } else {
                    for i in 1...3 { simplex[i] = (0..<3).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) }; values[i] = f(simplex[i]) }
                }
            }
            let spread = (1...3).map { i in (0..<3).map { abs(simplex[i][$0] - simplex[0][$0]) }.max()! }.max()!
            if spread < 1e-4 { break }
        }
        let b = values.indices.min { values[$0] < values[$1] }!
        return (PatternCenter(simplex[b][0], simplex[b][1], simplex[b][2]), values[b])
    }
}
