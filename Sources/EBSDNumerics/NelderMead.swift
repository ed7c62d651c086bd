/// Nelder–Mead downhill simplex minimisation (Nelder & Mead 1965; standard
/// coefficients: reflection 1, expansion 2, contraction ½, shrink ½). Derivative
/// free, so it suits objectives such as an NCC against patterns projected on
/// the fly or a Hough misfit.
public struct NelderMead: Sendable {
    /// Stop when every vertex lies within `tolerance` of the best in every coordinate.
    public var tolerance: Double
    public var maxIterations: Int

    public init(tolerance: Double = 1e-4, maxIterations: Int = 200) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// Minimises `f` from `start`, with an initial simplex of `step` along each axis.
    /// Returns the best point, its value and the number of evaluations.
    public func minimize(_ f: ([Double]) -> Double, start: [Double], step: [Double]) -> (x: [Double], value: Double, evaluations: Int) {
        let d = start.count
        var simplex: [[Double]] = [start]
        for k in 0..<d {
            var v = start
            v[k] += step[k]
            simplex.append(v)
        }
        var values = simplex.map(f)
        var evaluations = d + 1
        for _ in 0..<maxIterations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            let spread = (1...d).map { i in (0..<d).map { abs(simplex[i][$0] - simplex[0][$0]) }.max()! }.max()!
            if spread < tolerance { break }
            let centroid = (0..<d).map { k in (0..<d).reduce(0.0) { $0 + simplex[$1][k] } / Double(d) }
            func along(_ t: Double) -> [Double] { (0..<d).map { centroid[$0] + t * (simplex[d][$0] - centroid[$0]) } }
            let r = along(-1), fr = f(r)
            evaluations += 1
            if fr < values[0] {
                let e = along(-2), fe = f(e)
                evaluations += 1
                if fe < fr {
                    simplex[d] = e
                    values[d] = fe
                } else {
                    simplex[d] = r
                    values[d] = fr
                }
            } else if fr < values[d - 1] {
                simplex[d] = r
                values[d] = fr
            } else {
                let c = fr < values[d] ? along(-0.5) : along(0.5), fc = f(c)
                evaluations += 1
                if fc < min(fr, values[d]) {
                    simplex[d] = c
                    values[d] = fc
                } else {
                    for i in 1...d {
                        simplex[i] = (0..<d).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) }
                        values[i] = f(simplex[i])
                    }
                    evaluations += d
                }
            }
        }
        let b = values.indices.min { values[$0] < values[$1] }!
        return (simplex[b], values[b], evaluations)
    }
}
