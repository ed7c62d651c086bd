import DetectorGeometry

/// `inputs.detector` of a recipe: pattern shape, pattern centre in a stated convention, tilts.
/// Every key left out takes what the pattern file states (instrument HDF5 files; every stack states its
/// pattern shape), else the defaults of ``DetectorGeometry/DetectorOptions``.
public struct RecipeDetector: Decodable, Sendable, Hashable {
    public var patternShape: String?
    public var pc: [Double]?
    public var convention: String?
    public var sampleTilt: Double?
    public var detectorTilt: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case pc, convention
        case patternShape = "pattern_shape", sampleTilt = "sample_tilt", detectorTilt = "detector_tilt"
    }

    /// No values given: everything from the file and the defaults.
    public init() {}

    public init(from decoder: Decoder) throws {
        try RecipeKeys.refuseUnknown(decoder, known: CodingKeys.allCases.map(\.rawValue), in: "inputs.detector")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patternShape = try c.decodeIfPresent(String.self, forKey: .patternShape)
        pc = try c.decodeIfPresent([Double].self, forKey: .pc)
        convention = try c.decodeIfPresent(String.self, forKey: .convention)
        sampleTilt = try c.decodeIfPresent(Double.self, forKey: .sampleTilt)
        detectorTilt = try c.decodeIfPresent(Double.self, forKey: .detectorTilt)
    }

    /// These values over `base` (the file's geometry and the defaults).
    public func options(over base: DetectorOptions = DetectorOptions()) throws -> DetectorOptions {
        var o = base
        if let pc {
            guard pc.count == 3 else { throw RecipeError("inputs.detector.pc must be three numbers") }
            o.pc = PatternCenter(pc[0], pc[1], pc[2])
            o.convention = convention ?? DetectorOptions().convention
        }
        o.convention = convention ?? o.convention
        o.patternShape = patternShape ?? o.patternShape
        o.sampleTilt = sampleTilt ?? o.sampleTilt
        o.detectorTilt = detectorTilt ?? o.detectorTilt
        return o
    }

}
