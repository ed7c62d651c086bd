/// `inputs` of a recipe: the pattern stack or a map to start from, the map's shape and step,
/// the detector, the phases and their master patterns, the voltage. Paths are relative to
/// the recipe's folder.
public struct RecipeInputs: Decodable, Sendable, Hashable {
    public var patterns: String?
    public var map: String?
    public var mapShape: String?
    public var stepMicrons: Double?
    public var detector: RecipeDetector?
    public var phases: [String]
    public var masterPatterns: [String: String]?
    public var voltageKV: Double?
    /// The scan of an HDF5 pattern or map file with several (default: the first).
    public var scan: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case patterns, map, detector, phases
        case scan
        case mapShape = "map_shape", stepMicrons = "step_um", masterPatterns = "master_patterns", voltageKV = "voltage_kv"
    }

    public init(from decoder: Decoder) throws {
        try RecipeKeys.refuseUnknown(decoder, known: CodingKeys.allCases.map(\.rawValue), in: "inputs")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patterns = try c.decodeIfPresent(String.self, forKey: .patterns)
        map = try c.decodeIfPresent(String.self, forKey: .map)
        mapShape = try c.decodeIfPresent(String.self, forKey: .mapShape)
        stepMicrons = try c.decodeIfPresent(Double.self, forKey: .stepMicrons)
        detector = try c.decodeIfPresent(RecipeDetector.self, forKey: .detector)
        phases = try c.decode([String].self, forKey: .phases)
        masterPatterns = try c.decodeIfPresent([String: String].self, forKey: .masterPatterns)
        voltageKV = try c.decodeIfPresent(Double.self, forKey: .voltageKV)
        scan = try c.decodeIfPresent(String.self, forKey: .scan)
    }
}
