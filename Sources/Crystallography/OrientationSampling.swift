import EBSDCore
import Foundation
import Dispatch

/// Uniform sampling of orientation space on the cubochoric grid (Singh & De
/// Graef 2016): a regular grid in the cubochoric cube (half-edge π^(2/3)/2)
/// maps to rotations spread evenly over SO(3) because the cube → ball map
/// preserves volume. Grid points are `i · a/N` for i = −N+1 … N on each axis
/// (the grid S₀₀₀(N), which contains the identity), and only the points
/// inside the Rodrigues fundamental zone of the Laue group's proper subgroup
/// are kept — the layout of EMsoft's and orix's dictionaries, so that sample
/// counts can be compared directly (orix `get_sample_fundamental`).
public enum OrientationSampling {
    /// The semi-edge step count N for a mean nearest-neighbour disorientation of
    /// `resolution` degrees (Singh & De Graef 2016, eq. 9: N = round(131.97049 / (res − 0.03732))).
    public static func semiEdgeSteps(resolution: Double) -> Int {
        Int((131.97049 / (resolution - 0.03732)).rounded())
    }

    /// The rotations of the cubochoric grid with `semiEdgeSteps` N that lie in the
    /// fundamental zone of `group` (boundary points count as inside within
    /// `tolerance` on cos(ω/2); equivalents on the boundary are all kept, as orix does).
    /// Ordered by grid index (x slowest), so the result is the same on every run.
    public static func fundamentalZone(_ group: LaueGroup, semiEdgeSteps n: Int, tolerance: Double = 1e-9) -> [Rotation] {
        precondition(n > 0, "semiEdgeSteps must be positive")
        let a = 0.5 * pow(Double.pi, 2.0 / 3.0)
        let step = a / Double(n)
        let ops = Array(group.properOperators.dropFirst()).map(\.q)
        let count = 2 * n
        var slices = [[Rotation]](repeating: [], count: count)
        slices.withUnsafeMutableBufferPointer { sb in
            let out = UncheckedPointer(sb.baseAddress!)
            parallelFor(count) { ii in
                var local: [Rotation] = []
                let x = Double(ii - n + 1) * step
                for j in (-n + 1)...n {
                    let y = Double(j) * step
                    for k in (-n + 1)...n {
                        let z = Double(k) * step
                        let r = Rotation(cubochoric: Vector3(x, y, z))
                        let s = abs(r.q.a)
                        var inside = true
                        for o in ops where abs(Quaternion.productScalar(o, r.q)) > s + tolerance {
                            inside = false
                            break
                        }
                        if inside { local.append(r) }
                    }
                }
                out.p[ii] = local
            }
        }
        return slices.flatMap { $0 }
    }

    /// The fundamental-zone sample for a mean disorientation of `resolution` degrees.
    public static func fundamentalZone(_ group: LaueGroup, resolution: Double) -> [Rotation] {
        fundamentalZone(group, semiEdgeSteps: semiEdgeSteps(resolution: resolution))
    }
}
