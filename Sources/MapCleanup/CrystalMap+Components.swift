import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import Grains

extension CrystalMap {
    /// 8-connected components of the pixels satisfying `member`.
    static func components(of map: CrystalMap, where member: (Int) -> Bool) -> [[Int]] {
        var seen = [Bool](repeating: false, count: map.count)
        var out: [[Int]] = []
        for s in 0..<map.count where !seen[s] && member(s) {
            var comp: [Int] = [], stack = [s]
            seen[s] = true
            while let i = stack.popLast() {
                comp.append(i)
                for j in map.neighbours(of: i) where !seen[j] && member(j) {
                    seen[j] = true
                    stack.append(j)
                }
            }
            out.append(comp)
        }
        return out
    }
}
