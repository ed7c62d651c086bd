import EBSDCore
import Foundation
import Crystallography
import CrystalMaps

/// One grain of a segmented map.
///
/// Geometry uses pixel centres: the area is the pixel count × step², the
/// equivalent-circle diameter `ECD = 2 √(A/π)`, the perimeter counts pixel
/// edges shared with another grain, a not-indexed pixel or the map border,
/// and the ellipse comes from the second moments of the pixel centres
/// (aspect ratio ≥ 1; orientation of the major axis in degrees from +x,
/// counter-clockwise as seen with y pointing down the map).
public struct Grain: Sendable, Hashable {
    public var id: Int
    public var phaseIndex: Int
    public var pixelCount: Int
    public var area: Double  // µm²
    public var equivalentDiameter: Double  // µm
    public var perimeter: Double  // µm
    public var aspectRatio: Double
    public var ellipseAngle: Double  // degrees
    public var meanOrientation: Rotation
    /// Grain orientation spread: mean disorientation of its pixels to the mean (degrees).
    public var orientationSpread: Double
    public var touchesEdge: Bool
    public var centroid: (x: Double, y: Double) { (cx, cy) }
    var cx: Double, cy: Double
    public static func == (a: Grain, b: Grain) -> Bool { a.id == b.id }
    public func hash(into h: inout Hasher) { h.combine(id) }
}
