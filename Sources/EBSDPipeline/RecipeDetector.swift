import DetectorGeometry

/// `inputs.detector` of a recipe: a spelling of ``DetectorGeometry/DetectorOverrides`` — `pattern_shape`,
/// `pc` [x, y, z], `convention`, `sample_tilt`, `detector_tilt`, `azimuthal`, `binning`, `pixel_size` (µm),
/// `pc_map` (a PC map file, relative to the recipe). Every key left out takes what the pattern file states
/// (instrument HDF5 files; every stack states its pattern shape), else the defaults of
/// ``DetectorGeometry/DetectorOptions``: the same values with the same meaning as the `ebsd` detector options.
public struct RecipeDetector: Decodable, Sendable, Hashable {
    public var overrides = DetectorOverrides()

    enum CodingKeys: String, CodingKey, CaseIterable {
        case pc, convention, azimuthal, binning
        case patternShape = "pattern_shape", sampleTilt = "sample_tilt", detectorTilt = "detector_tilt"
        case pixelSize = "pixel_size", pcMap = "pc_map"
    }

    /// No values given: everything from the file and the defaults.
    public init() {}

    public init(from decoder: Decoder) throws {
        try RecipeKeys.refuseUnknown(decoder, known: CodingKeys.allCases.map(\.rawValue), in: "inputs.detector")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let pc = try c.decodeIfPresent([Double].self, forKey: .pc) {
            guard pc.count == 3 else { throw RecipeError("inputs.detector.pc must be three numbers [x, y, z]") }
            overrides.pc = PatternCenter(pc[0], pc[1], pc[2])
        }
        overrides.patternShape = try c.decodeIfPresent(String.self, forKey: .patternShape).map { text in
            do { return try GridShape(parsing: text, name: "inputs.detector.pattern_shape") } catch { throw RecipeError("\(error)") }
        }
        overrides.convention = try c.decodeIfPresent(String.self, forKey: .convention).map { name in
            do { return try PCConvention(parsing: name, option: "inputs.detector.convention") } catch { throw RecipeError("\(error)") }
        }
        overrides.sampleTilt = try c.decodeIfPresent(Double.self, forKey: .sampleTilt)
        overrides.detectorTilt = try c.decodeIfPresent(Double.self, forKey: .detectorTilt)
        overrides.azimuthal = try c.decodeIfPresent(Double.self, forKey: .azimuthal)
        overrides.binning = try c.decodeIfPresent(Int.self, forKey: .binning)
        overrides.pixelSize = try c.decodeIfPresent(Double.self, forKey: .pixelSize)
        overrides.pcMap = try c.decodeIfPresent(String.self, forKey: .pcMap)
    }
}
