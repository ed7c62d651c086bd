import PatternStacks
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
    /// Image folders: where a file name puts its pattern (``PatternStacks/ImageNamePattern``; default: read from the names).
    public var namePattern: String?
    /// Image folders: µm per unit of the x/y coordinates in the names (default ``PatternStacks/ImageFolderLayout/oimUnitMicrons``).
    public var nameUnitMicrons: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case patterns, map, detector, phases
        case scan
        case mapShape = "map_shape", stepMicrons = "step_um", masterPatterns = "master_patterns", voltageKV = "voltage_kv"
        case namePattern = "name_pattern", nameUnitMicrons = "name_unit_um"
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
        namePattern = try c.decodeIfPresent(String.self, forKey: .namePattern)
        nameUnitMicrons = try c.decodeIfPresent(Double.self, forKey: .nameUnitMicrons)
    }

    /// How the files of an image folder are placed: `name_pattern` and `name_unit_um` over the library's defaults.
    public func naming() throws -> ImageFolderNaming {
        do { return try ImageFolderNaming(patternText: namePattern, unitMicrons: nameUnitMicrons) } catch {
            throw RecipeError("inputs.name_pattern/name_unit_um: \(error)")
        }
    }
}
