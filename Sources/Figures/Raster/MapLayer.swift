import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import Grains

/// What a map picture shows in each pixel.
public enum MapLayer: Sendable {
    /// IPF colours along a sample direction (x, y or z).
    case ipf(Vector3)
    /// A fixed colour per phase.
    case phase
    /// A random (hash) colour per grain of a segmentation.
    case grains(GrainMap)
    /// A scalar per pixel on a blue–green–yellow ramp from `range` (e.g. KAM in degrees).
    case scalar([Float], range: ClosedRange<Float>, label: String)
}
