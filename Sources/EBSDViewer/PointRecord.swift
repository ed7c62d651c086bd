/// One map point as the page lists it (JSON): where it is, its phase and orientation (Bunge Euler angles in degrees,
/// passive, as the map file states them), its figures of merit (the map's properties, unchanged), its KAM, its
/// neighbours' disorientations and its grain.
public struct PointRecord: Sendable, Codable, Equatable {
    public struct Neighbour: Sendable, Codable, Equatable {
        public var row: Int
        public var column: Int
        /// Disorientation in degrees; nil when either point is not indexed or the phases differ.
        public var disorientation: Double?
    }
    public var index: Int
    public var row: Int
    public var column: Int
    /// Map coordinates in µm.
    public var x: Double
    public var y: Double
    public var phase: String?
    public var euler: [Double]?
    public var properties: [String: Double]
    public var kam: Double?
    public var neighbours: [Neighbour]
    public var grain: GrainRecord?
}

/// One grain as the page shows it (JSON): its size (pixels, area µm², equivalent circle diameter µm), mean orientation
/// (Bunge, degrees), orientation spread (GOS, degrees: mean disorientation of its points from the mean) and the largest
/// disorientation of a point from the mean.
public struct GrainRecord: Sendable, Codable, Equatable {
    public var id: Int
    public var phase: String
    public var pixels: Int
    public var area: Double
    public var ecd: Double
    public var gos: Double
    public var maximumSpread: Double?
    public var meanEuler: [Double]
    public var touchesEdge: Bool
}
