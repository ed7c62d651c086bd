/// What an instrument file states about its acquisition besides the patterns: the pattern
/// centre(s) in the vendor's own convention (converted to the library's only in
/// `DetectorGeometry.Detector`), tilts, binning, step, voltage, static background and phases.
/// Absent values are nil: the caller's options (or the library's defaults) apply.
public struct StackMetadata: Sendable {
    /// "Oxford Instruments", "EDAX", "Bruker Nano", "kikuchipy".
    public var vendor: String
    /// The scan (group) read, e.g. "1", "Scan 1".
    public var scan: String
    /// Pattern centres as stored: one for the map, or one per map point (scan order).
    public var patternCenters: [SIMD3<Double>] = []
    /// The convention of `patternCenters`: "bruker", "tsl" or "oxford" (names of `PCConvention`).
    public var pcConvention = "bruker"
    public var sampleTiltDegrees: Double?
    public var detectorTiltDegrees: Double?
    public var azimuthalDegrees: Double?
    public var binning: Int?
    /// Unbinned detector pixel size in µm.
    public var pixelSizeMicrons: Double?
    public var stepX: Double?
    public var stepY: Double?
    public var voltageKV: Double?
    /// The static background the file holds (pattern shape), or nil.
    public var staticBackground: [Float]?
    /// Phase names in the file's order.
    public var phaseNames: [String] = []
    /// The dataset the patterns come from.
    public var patternDataset = ""
    /// Map points the file holds no pattern for (scan order): read as zero patterns, left not indexed.
    public var missingPoints: [Int] = []
    /// Files of a folder export that lie on no map point (not fitting the names' template, repeated, off the grid).
    public var strayFiles: [String] = []
    /// How the points were placed on the map (image folders: from the names, or in natural order).
    public var layoutDescription: String?

    public init(vendor: String, scan: String) {
        self.vendor = vendor
        self.scan = scan
    }
}
