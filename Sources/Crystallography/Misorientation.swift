import Foundation

/// A misorientation `m = g2 g1⁻¹` between two crystals (maps crystal-1
/// coordinates to crystal-2 coordinates; its axis is in the crystal frame).
/// Equivalent misorientations are `s2 m s1` with `s1`, `s2` proper operators
/// of the two groups.
public struct Misorientation: Hashable, Sendable {
    public var rotation: Rotation
    public var group1: LaueGroup
    public var group2: LaueGroup
    public init(_ rotation: Rotation, from group1: LaueGroup, to group2: LaueGroup) {
        self.rotation = rotation
        self.group1 = group1
        self.group2 = group2
    }

    /// The equivalent with the smallest angle (the disorientation).
    /// For equal groups only `m s` is searched (conjugation leaves angles unchanged).
    public var reduced: Misorientation {
        var best = rotation, bestA = abs(rotation.q.a)
        if group1 == group2 {
            for s in group1.properOperators {
                let a = abs(Quaternion.productScalar(rotation.q, s.q))
                if a > bestA + 1e-14 {
                    bestA = a
                    best = rotation * s
                }
            }
        } else {
            for s2 in group2.properOperators {
                let left = s2 * rotation
                for s1 in group1.properOperators {
                    let a = abs(Quaternion.productScalar(left.q, s1.q))
                    if a > bestA + 1e-14 {
                        bestA = a
                        best = left * s1
                    }
                }
            }
        }
        return Misorientation(best, from: group1, to: group2)
    }

    /// Angle in radians of this representative.
    public var angle: Double { rotation.angle }
    /// Axis (crystal frame) of this representative.
    public var axis: Vector3 { rotation.axisAngle.axis }

    /// For a disorientation between crystals of the same group: the axis
    /// reduced into the group's standard stereographic sector (this removes
    /// the ±axis and grain-exchange ambiguity). `nil` for a zero angle.
    public var axisInSector: Vector3? {
        let r = reduced
        if r.angle < 1e-12 { return nil }
        return group1.fundamentalSector.reduce(r.axis)
    }
}
