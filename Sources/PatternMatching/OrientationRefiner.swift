import EBSDCore
import Foundation
import Crystallography
import DetectorGeometry
import EBSDNumerics
import PatternSimulation

/// The refined result for one pattern.
public struct RefinedPattern: Sendable {
    public var rotation: Rotation
    public var pc: PatternCenter
    public var score: Float
    /// Which start won: 0 = the given orientation, i > 0 = pseudo-symmetry variant i − 1.
    public var variant: Int
    public var evaluations: Int
}

/// Refines orientations (and optionally the pattern centre) by maximising the
/// NCC between a measured pattern and the pattern projected on the fly, with
/// successive quadratic models (orientation only) or Nelder–Mead (with the PC). The orientation is varied as
/// `exp(ω) · g` — a small rotation
/// vector ω (radians) applied in the crystal frame — so the search is the same
/// near any orientation; the PC (Bruker) is varied directly.
///
/// Pseudo-symmetry: with `variants` (crystal-frame operators, e.g. every
/// symmetric copy of 60° about ⟨111⟩), each start `v · g` is refined too and
/// the best score wins.
public struct OrientationRefiner: Sendable {
    public let signal: PatternSignal
    public let master: MasterPattern
    public let projector: PatternProjector
    /// Initial simplex size for the orientation (radians; default 1°) and the PC (fraction; default 0.005).
    public var orientationStep = 1.0 * Double.pi / 180
    public var pcStep = 0.005
    public var refinePC = false
    public var variants: [Rotation] = []
    /// Stops when the simplex is within 2e-4 rad (0.011°) in every coordinate: 64 evaluations per
    /// pattern on the dev Na set with the same median error as 1e-4 rad (73 evaluations).
    public var optimizer = NelderMead(tolerance: 2e-4, maxIterations: 300)
    /// Nelder–Mead restarts from the result with a simplex a quarter the size.
    public var restarts = 0
    /// Optional faster orientation-only search by successive quadratic models
    /// (``QuadraticModelAscent``; ``fastSearch`` gives h = 1°, ⅓°, 0.11°, 0.1°: about 50 evaluations
    /// per pattern instead of 64). Measured: on the dev Na 60 px set (kinematical patterns) median
    /// error 0.187° vs Nelder–Mead's 0.195° at 1.3× the rate; on sharper patterns (from the
    /// dynamical Na master) a little less precise (median 0.073° vs 0.064°). nil (default): Nelder–Mead.
    /// The PC search always uses Nelder–Mead.
    public var quadraticModel: QuadraticModelAscent? = nil
    public static let fastSearch = QuadraticModelAscent(initialStep: Double.pi / 180, finalStep: 0.1 * Double.pi / 180, shrink: 3)

    public init(signal: PatternSignal, master: MasterPattern) {
        self.signal = signal
        self.master = master
        projector = PatternProjector(master: master, detector: signal.detector.withMeanPC)
    }

    /// Refines one prepared measured pattern (`signal.length` floats) from `start`, using PC `pc`.
    public func refine(prepared: UnsafePointer<Float>, start: Rotation, pc: PatternCenter) -> RefinedPattern {
        let np = signal.detector.pixelCount
        var scratch = [Float](repeating: 0, count: 2 * np), packed = [Float](repeating: 0, count: signal.length)
        let fixedProjector = pcProjector(pc)
        var best: RefinedPattern?
        for (vi, s) in ([Rotation.identity] + variants).enumerated() {
            let g0 = s * start
            let r: (x: [Double], value: Double, evaluations: Int) = scratch.withUnsafeMutableBufferPointer { sb in
                packed.withUnsafeMutableBufferPointer { pb in
                    func rotation(_ x: [Double]) -> Rotation { Rotation(rotationVector: Vector3(x[0], x[1], x[2])) * g0 }
                    let f: ([Double]) -> Double =
                        refinePC
                        ? { x in
                            let p = PatternCenter(x[3], x[4], x[5])
                            guard p.z > 0 else { return 1 }
                            return -Double(
                                signal.score(prepared, pcProjector(p), rotation(x), scratch: sb.baseAddress!, packed: pb.baseAddress!))
                        }
                        : { x in
                            -Double(signal.score(prepared, fixedProjector, rotation(x), scratch: sb.baseAddress!, packed: pb.baseAddress!))
                        }
                    if !refinePC, let qm = quadraticModel {
                        let r = qm.maximize(
                            { w in
                                Double(
                                    signal.score(
                                        prepared, fixedProjector, Rotation(rotationVector: w) * g0, scratch: sb.baseAddress!,
                                        packed: pb.baseAddress!))
                            }, start: .zero)
                        return ([r.x.x, r.x.y, r.x.z], -r.value, r.evaluations)
                    }
                    var x = refinePC ? [0, 0, 0, pc.x, pc.y, pc.z] : [0, 0, 0]
                    var step =
                        refinePC
                        ? [orientationStep, orientationStep, orientationStep, pcStep, pcStep, pcStep]
                        : [orientationStep, orientationStep, orientationStep]
                    var value = 0.0, evaluations = 0
                    // a restart with a smaller simplex frees Nelder–Mead from a collapsed simplex
                    // with the PC free, the search is converged more tightly (PC and orientation trade off)
                    let nm =
                        refinePC ? NelderMead(tolerance: min(optimizer.tolerance, 1e-4), maxIterations: optimizer.maxIterations) : optimizer
                    for _ in 0...restarts {
                        let r = nm.minimize(f, start: x, step: step)
                        x = r.x
                        value = r.value
                        evaluations += r.evaluations
                        step = step.map { $0 / 4 }
                    }
                    return (x, value, evaluations)
                }
            }
            let g = Rotation(rotationVector: Vector3(r.x[0], r.x[1], r.x[2])) * g0
            let out = RefinedPattern(
                rotation: g, pc: refinePC ? PatternCenter(r.x[3], r.x[4], r.x[5]) : pc, score: Float(-r.value),
                variant: vi, evaluations: r.evaluations + (best?.evaluations ?? 0))
            if best == nil || out.score > best!.score { best = out } else { best!.evaluations = out.evaluations }
        }
        return best!
    }

    /// Refines many patterns in parallel: `prepared` is `[count × signal.length]`, one start and one PC per pattern
    /// (`pcs` may hold one PC for all).
    public func refine(prepared: [Float], starts: [Rotation], pcs: [PatternCenter]) -> [RefinedPattern] {
        let n = signal.length
        var out = [RefinedPattern?](repeating: nil, count: starts.count)
        prepared.withUnsafeBufferPointer { pp in
            out.withUnsafeMutableBufferPointer { ob in
                let p = UncheckedPointer(readOnly: pp.baseAddress!), o = UncheckedPointer(ob.baseAddress!)
                parallelFor(starts.count) { k in
                    o.p[k] = refine(prepared: p.p + k * n, start: starts[k], pc: pcs.count == 1 ? pcs[0] : pcs[k])
                }
            }
        }
        return out.map { $0! }
    }

    /// A projector on this detector with another (single) PC.
    func pcProjector(_ pc: PatternCenter) -> PatternProjector {
        if signal.detector.pcs.count == 1 && signal.detector.pcs[0] == pc { return projector }
        var d = signal.detector
        d.pcs = [pc]
        return PatternProjector(master: master, detector: d)
    }
}
