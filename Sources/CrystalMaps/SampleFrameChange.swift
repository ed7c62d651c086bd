import Foundation
import Crystallography

/// A change of sample reference frame applied to all orientations of a map.
public struct SampleFrameChange: Sendable {
    /// Rotation taking old sample coordinates to new ones (passive).
    public var rotation: Rotation
    public init(_ rotation: Rotation) { self.rotation = rotation }
    /// EDAX/TSL Euler frame → map frame: φ1 − 90°, i.e. `g' = g · Rz(−90°)`
    /// (passive), the correction applied by MTEX ("convertEuler2SpatialReferenceFrame")
    /// and DefDAP for `.ang` files.
    public static let tslToMap = SampleFrameChange(Rotation(euler: EulerAngles(.pi / 2, 0, 0)))
}
