/// Maximisation of a smooth 3-parameter objective by successive quadratic
/// models: around the current point, f is sampled at the centre, ±h along each
/// axis and at the three diagonal points (h, h, 0), (h, 0, h), (0, h, h); the
/// 10 coefficients of the quadratic through those points give the gradient b
/// and Hessian A, and the Newton step −A⁻¹b (at most 2h long) moves the centre
/// when it improves f (else the best sample does). Then h shrinks by `shrink`,
/// down to `finalStep`, where the stage is repeated (at most twice) while the
/// step is longer than h/4. 10 evaluations per stage; a peak-shaped objective
/// such as an NCC against patterns projected on the fly converges in 4–5
/// stages, fewer evaluations than Nelder–Mead.
public struct QuadraticModelAscent: Sendable {
    public var initialStep: Double
    public var finalStep: Double
    public var shrink: Double
    public init(initialStep: Double, finalStep: Double, shrink: Double = 3) {
        self.initialStep = initialStep
        self.finalStep = finalStep
        self.shrink = shrink
    }

    /// Maximises `f` from `start` (3 coordinates). Returns the best point, its value and the evaluations used.
    public func maximize(_ f: (SIMD3<Double>) -> Double, start: SIMD3<Double>) -> (x: SIMD3<Double>, value: Double, evaluations: Int) {
        var x = start, fx = f(x), evaluations = 1
        var h = initialStep, finalStages = 0
        let axes = [SIMD3<Double>(1, 0, 0), SIMD3<Double>(0, 1, 0), SIMD3<Double>(0, 0, 1)]
        while true {
            var fp = [0.0, 0.0, 0.0], fm = [0.0, 0.0, 0.0]
            for i in 0..<3 {
                fp[i] = f(x + h * axes[i])
                fm[i] = f(x - h * axes[i])
            }
            let fxy = f(x + h * (axes[0] + axes[1])), fxz = f(x + h * (axes[0] + axes[2])), fyz = f(x + h * (axes[1] + axes[2]))
            evaluations += 9
            var b = SIMD3<Double>(0, 0, 0)
            var a = [[Double]](repeating: [0, 0, 0], count: 3)
            for i in 0..<3 {
                b[i] = (fp[i] - fm[i]) / (2 * h)
                a[i][i] = (fp[i] + fm[i] - 2 * fx) / (h * h)
            }
            func cross(_ fij: Double, _ i: Int, _ j: Int) -> Double {
                (fij - fx - h * (b[i] + b[j]) - 0.5 * h * h * (a[i][i] + a[j][j])) / (h * h)
            }
            a[0][1] = cross(fxy, 0, 1)
            a[1][0] = a[0][1]
            a[0][2] = cross(fxz, 0, 2)
            a[2][0] = a[0][2]
            a[1][2] = cross(fyz, 1, 2)
            a[2][1] = a[1][2]
            // best of the samples, in case the model is poor
            var bestSample = x, bestValue = fx
            for i in 0..<3 {
                if fp[i] > bestValue {
                    bestValue = fp[i]
                    bestSample = x + h * axes[i]
                }
                if fm[i] > bestValue {
                    bestValue = fm[i]
                    bestSample = x - h * axes[i]
                }
            }
            for (v, p) in [(fxy, axes[0] + axes[1]), (fxz, axes[0] + axes[2]), (fyz, axes[1] + axes[2])] where v > bestValue {
                bestValue = v
                bestSample = x + h * p
            }
            // Newton step when −A is positive definite
            var next = bestSample, nextValue = bestValue
            if let step = QuadraticModelAscent.newtonStep(a, b) {
                var s = step
                let len = (s * s).sum().squareRoot()
                if len > 2 * h { s *= 2 * h / len }
                let candidate = x + s
                let fc = f(candidate)
                evaluations += 1
                if fc > nextValue {
                    next = candidate
                    nextValue = fc
                }
            }
            var moved = 0.0
            if nextValue > fx {
                moved = ((next - x) * (next - x)).sum().squareRoot()
                x = next
                fx = nextValue
            }
            if h <= finalStep * (1 + 1e-9) {
                // at the final scale, repeat (at most twice) while the Newton step is still a large fraction of h
                finalStages += 1
                if moved <= 0.25 * h || finalStages > 2 { break }
            }
            h = max(finalStep, h / shrink)
        }
        return (x, fx, evaluations)
    }

    /// −A⁻¹b for a negative-definite symmetric A (Cholesky of −A), or nil.
    static func newtonStep(_ a: [[Double]], _ b: SIMD3<Double>) -> SIMD3<Double>? {
        // solve (−A) s = b
        let m = a.map { $0.map { -$0 } }
        var l = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 {
            for j in 0...i {
                var sum = m[i][j]
                for k in 0..<j { sum -= l[i][k] * l[j][k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i][i] = sum.squareRoot()
                } else {
                    l[i][j] = sum / l[j][j]
                }
            }
        }
        var y = SIMD3<Double>(0, 0, 0), s = SIMD3<Double>(0, 0, 0)
        for i in 0..<3 {
            var t = b[i]
            for k in 0..<i { t -= l[i][k] * y[k] }
            y[i] = t / l[i][i]
        }
        for i in stride(from: 2, through: 0, by: -1) {
            var t = y[i]
            for k in (i + 1)..<3 { t -= l[k][i] * s[k] }
            s[i] = t / l[i][i]
        }
        return s
    }
}
