import EBSDCore
import Foundation
import Crystallography
import CrystalMaps

extension CrystalMap {
    /// Kernel average misorientation (degrees): for each indexed pixel, the
    /// mean disorientation to its neighbours that lie below `maximumDegrees`
    /// (default 5°, so grain boundaries are excluded). NaN where undefined.
    public func kernelAverageMisorientation(
        maximumDegrees: Double = CrystalMap.defaultKAMMaximumDegrees, connectivity: Connectivity = .eight) -> [Float] {
        var out = [Float](repeating: .nan, count: count)
        out.withUnsafeMutableBufferPointer { ob in
            let o = UncheckedPointer(ob.baseAddress!)
            parallelFor(grid.rows) { r in
                for c in 0..<grid.columns {
                    let i = r * grid.columns + c
                    guard phaseIndex[i] >= 0 else { continue }
                    var s = 0.0, k = 0
                    for j in neighbours(of: i, connectivity) where phaseIndex[j] == phaseIndex[i] {
                        let a = disorientationAngle(i, j) * 180 / .pi
                        if a <= maximumDegrees {
                            s += a
                            k += 1
                        }
                    }
                    if k > 0 { o.p[i] = Float(s / Double(k)) }
                }
            }
        }
        return out
    }
}

extension CrystalMap {
    /// KAM's neighbour cut-off unless given: 5°, so that grain boundaries are left out.
    public static let defaultKAMMaximumDegrees = 5.0
}
