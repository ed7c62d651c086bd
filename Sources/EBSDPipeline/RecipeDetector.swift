import DetectorGeometry

/// `inputs.detector` of a recipe: pattern shape, pattern centre in a stated convention, tilts.
/// Defaults as every `ebsd` command's detector options: 60x60 px, Bruker convention, sample
/// tilt 70°, detector tilt 0°.
public struct RecipeDetector: Decodable, Sendable, Hashable {
    public var patternShape: String?
    public var pc: [Double]
    public var convention: String?
    public var sampleTilt: Double?
    public var detectorTilt: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case pc, convention
        case patternShape = "pattern_shape", sampleTilt = "sample_tilt", detectorTilt = "detector_tilt"
    }

    public init(from decoder: Decoder) throws {
        try RecipeKeys.refuseUnknown(decoder, known: CodingKeys.allCases.map(\.rawValue), in: "inputs.detector")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patternShape = try c.decodeIfPresent(String.self, forKey: .patternShape)
        pc = try c.decode([Double].self, forKey: .pc)
        convention = try c.decodeIfPresent(String.self, forKey: .convention)
        sampleTilt = try c.decodeIfPresent(Double.self, forKey: .sampleTilt)
        detectorTilt = try c.decodeIfPresent(Double.self, forKey: .detectorTilt)
    }

    /// The detector these values describe (the shape is checked against the stack by the caller).
    public func detector() throws -> Detector {
        guard pc.count == 3 else { throw RecipeError("inputs.detector.pc must be three numbers") }
        var options = DetectorOptions()
        options.patternShape = patternShape ?? options.patternShape
        options.pc = PatternCenter(pc[0], pc[1], pc[2])
        options.convention = convention ?? options.convention
        options.sampleTilt = sampleTilt ?? options.sampleTilt
        options.detectorTilt = detectorTilt ?? options.detectorTilt
        do { return try options.detector() } catch { throw RecipeError("inputs.detector: \(error)") }
    }
}
