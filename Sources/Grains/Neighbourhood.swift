import Foundation
import Crystallography
import CrystalMaps

/// Pixel connectivity on the square map grid.
public enum Connectivity: Int, Sendable, CaseIterable {
    case four = 4, eight = 8
    /// (row, column) offsets of the neighbours.
    public var offsets: [(Int, Int)] {
        switch self {
        case .four: [(-1, 0), (0, -1), (0, 1), (1, 0)]
        case .eight: [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
        }
    }
    /// Half of the offsets (each unordered pair once): right/down (and the down diagonals).
    var forwardOffsets: [(Int, Int)] {
        switch self {
        case .four: [(0, 1), (1, 0)]
        case .eight: [(0, 1), (1, -1), (1, 0), (1, 1)]
        }
    }
}

extension CrystalMap {
    /// Indices of the in-map neighbours of pixel `i`.
    @inlinable public func neighbours(of i: Int, _ c: Connectivity = .eight) -> [Int] {
        let r = i / grid.columns, col = i % grid.columns
        var out: [Int] = []
        out.reserveCapacity(8)
        for (dr, dc) in c.offsets {
            let rr = r + dr, cc = col + dc
            if rr >= 0 && rr < grid.rows && cc >= 0 && cc < grid.columns { out.append(rr * grid.columns + cc) }
        }
        return out
    }

    /// cos(ω/2) of the disorientation between two indexed pixels of the same
    /// phase (−1 when they are of different phases or either is not indexed).
    @inlinable public func disorientationCosHalf(_ i: Int, _ j: Int) -> Double {
        let pi = phaseIndex[i], pj = phaseIndex[j]
        guard pi >= 0, pi == pj else { return -1 }
        let m = rotations[j].q * rotations[i].q.conjugate
        return phases[Int(pi)].phase.laueGroup.maxAbsScalar(m)
    }

    /// Disorientation angle in radians between two indexed pixels of the same phase (π when not comparable).
    @inlinable public func disorientationAngle(_ i: Int, _ j: Int) -> Double {
        let pi = phaseIndex[i], pj = phaseIndex[j]
        guard pi >= 0, pi == pj else { return .pi }
        return phases[Int(pi)].phase.laueGroup.disorientationAngle(rotations[j].q * rotations[i].q.conjugate)
    }
}

/// Half-angle cosine of a threshold in degrees, for fast comparisons (`cosHalf ≥ threshold ⇔ angle ≤ θ`).
@inlinable public func cosHalf(degrees: Double) -> Double { cos(degrees * .pi / 360) }
