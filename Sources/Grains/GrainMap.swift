import EBSDCore
import Foundation
import Crystallography
import CrystalMaps

/// A segmented map: a grain label per pixel (−1 for not indexed) and the grains.
public struct GrainMap: Sendable {
    public var map: CrystalMap
    public var labels: [Int32]
    public var grains: [Grain]
    public var thresholdDegrees: Double
    public var connectivity: Connectivity
}
