/// The detector values a user gave (a CLI option, a recipe key of `inputs.detector`, a Python keyword): each one
/// left nil takes what the pattern file states, else the default of ``DetectorOptions``. The one merge of user
/// values over the file's geometry, so every entry point accepts the same values with the same meaning.
///
/// A pattern centre given without a convention is in ``DetectorOptions``'s default convention (Bruker); a pattern
/// centre or convention given replaces a file's per-point pattern centres; a PC map (``PCMap``, from
/// `ebsd calibrate --pc-map`) gives every map point its own pattern centre and replaces both.
public struct DetectorOverrides: Sendable, Hashable {
    public var patternShape: GridShape?
    public var pc: PatternCenter?
    /// The convention of ``pc`` (and of the file's PCs when no PC is given).
    public var convention: PCConvention?
    public var sampleTilt: Double?
    public var detectorTilt: Double?
    public var azimuthal: Double?
    public var binning: Int?
    /// Unbinned detector pixel size in µm.
    public var pixelSize: Double?
    /// A PC map file (JSON, ``PCMap``).
    public var pcMap: String?

    /// Nothing given by default: every value from the file, else the defaults.
    public init(
        patternShape: GridShape? = nil, pc: PatternCenter? = nil, convention: PCConvention? = nil, sampleTilt: Double? = nil,
        detectorTilt: Double? = nil, azimuthal: Double? = nil, binning: Int? = nil, pixelSize: Double? = nil, pcMap: String? = nil
    ) {
        self.patternShape = patternShape
        self.pc = pc
        self.convention = convention
        self.sampleTilt = sampleTilt
        self.detectorTilt = detectorTilt
        self.azimuthal = azimuthal
        self.binning = binning
        self.pixelSize = pixelSize
        self.pcMap = pcMap
    }

    /// Whether a file's per-point pattern centres survive these values (no PC and no convention given).
    public var keepsPointCentres: Bool { pc == nil && convention == nil }

    /// These values over `base` (the file's geometry under the defaults).
    public func applied(over base: DetectorOptions = DetectorOptions()) -> DetectorOptions {
        var o = base
        if let pc {
            o.pc = pc
            o.convention = convention ?? DetectorOptions().convention
        }
        o.convention = convention ?? o.convention
        o.patternShape = patternShape ?? o.patternShape
        o.sampleTilt = sampleTilt ?? o.sampleTilt
        o.detectorTilt = detectorTilt ?? o.detectorTilt
        o.azimuthal = azimuthal ?? o.azimuthal
        o.binning = binning ?? o.binning
        o.pixelSize = pixelSize ?? o.pixelSize
        return o
    }

    /// The detector from these values and the defaults alone (no pattern file).
    public func detector() throws(DetectorOptionsError) -> Detector { try applied().detector() }
}
