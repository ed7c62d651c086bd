import Foundation

/// A pseudo-symmetry operator written `ANGLE@UVW`: a rotation by ANGLE degrees about the
/// crystal direction [UVW] (crystal frame, right-handed, as ``Rotation/init(axis:angle:)``).
/// In cubic crystals 60@111 relates the Σ3 twin variants that Hough and dictionary indexing
/// confuse in bcc Na and Li (the reference study's pseudo-symmetry).
///
///     let op = try PseudoSymmetryOperator(parsing: "60@111")
///     op.angleDegrees        // 60
///     op.axis                // [1, 1, 1]
///     op.description         // "60@111"
///     try PseudoSymmetryOperator(parsing: "60@1-10").axis   // [1, -1, 0]
public struct PseudoSymmetryOperator: Hashable, Sendable, CustomStringConvertible {
    /// Rotation angle in degrees, in (0, 360).
    public let angleDegrees: Double
    /// The axis [u, v, w] as written (not normalised).
    public let axis: [Int]

    /// The cubic Σ3 operator, 60° about <111>.
    public static let cubicSigma3 = PseudoSymmetryOperator(angleDegrees: 60, axis: [1, 1, 1])

    public init(angleDegrees: Double, axis: [Int]) {
        precondition(axis.count == 3 && axis.contains { $0 != 0 }, "an operator axis has three indices, not all zero")
        self.angleDegrees = angleDegrees
        self.axis = axis
    }

    /// Parses "ANGLE@UVW", e.g. "60@111" or "60@[1-10]" (single-digit indices, '-' before a negative one).
    public init(parsing s: String) throws(PseudoSymmetryOperatorError) {
        let parts = s.split(separator: "@")
        guard parts.count == 2, let angle = Double(parts[0]), angle > 0, angle < 360 else {
            throw PseudoSymmetryOperatorError("pseudo-symmetry operator '\(s)' must be ANGLE@UVW, e.g. 60@111")
        }
        let digits = parts[1].replacingOccurrences(of: "[", with: "").replacingOccurrences(of: "]", with: "")
        var uvw: [Int] = []
        var sign = 1
        for ch in digits {
            if ch == "-" {
                sign = -1
                continue
            }
            guard let d = ch.wholeNumberValue else {
                throw PseudoSymmetryOperatorError(
                    "pseudo-symmetry operator '\(s)': axis '\(parts[1])' must be three digits like 111 or 1-10")
            }
            uvw.append(sign * d)
            sign = 1
        }
        guard uvw.count == 3, uvw.contains(where: { $0 != 0 }) else {
            throw PseudoSymmetryOperatorError("pseudo-symmetry operator '\(s)': axis must have three indices, not all zero")
        }
        self.init(angleDegrees: angle, axis: uvw)
    }

    /// The operator as a rotation in the crystal frame.
    public var rotation: Rotation {
        Rotation(axis: Vector3(Double(axis[0]), Double(axis[1]), Double(axis[2])), angle: angleDegrees * .pi / 180)
    }

    public var description: String {
        let a = angleDegrees.rounded() == angleDegrees ? String(Int(angleDegrees)) : String(angleDegrees)
        return a + "@" + axis.map(String.init).joined()
    }

    /// Every distinct symmetric variant `s·op·s⁻¹` of `operators` and of their inverses,
    /// for the proper operators `s` of `group` (crystal frame: a variant v maps g to v·g).
    public static func variants(of operators: [Rotation], in group: LaueGroup) -> [Rotation] {
        let tolerance = 1e-9
        var out: [Rotation] = []
        for op in operators {
            for o in [op, op.inverse] {
                for s in group.properOperators {
                    let v = s * o * s.inverse
                    if !out.contains(where: { $0.isApproximately(v, tolerance: tolerance) }) { out.append(v) }
                }
            }
        }
        return out
    }
}

/// A pseudo-symmetry operator that could not be read; the message names the text and what was expected.
public struct PseudoSymmetryOperatorError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
