import Foundation

/// The detector as a user states it — pattern shape, pattern centre in a named convention,
/// tilts, binning and pixel size — with the defaults every entry point shares (the `ebsd`
/// commands' detector options, recipes' `inputs.detector`, Swift callers):
/// 60x60 px, PC (0.5, 0.5, 0.6) Bruker, sample tilt 70°, detector tilt 0°, azimuth 0°,
/// binning 1, pixel size 1 µm.
public struct DetectorOptions: Sendable, Hashable {
    public var patternShape = GridShape(rows: 60, columns: 60)
    public var pc = PatternCenter(0.5, 0.5, 0.6)
    /// The convention ``pc`` is given in.
    public var convention = PCConvention.bruker
    public var sampleTilt = 70.0
    public var detectorTilt = 0.0
    public var azimuthal = 0.0
    public var binning = 1
    /// Unbinned detector pixel size in µm (EMsoft PCs).
    public var pixelSize = 1.0

    public init() {}

    /// Parses "ROWSxCOLS", e.g. "60x60" (``GridShape``); `name` names the option or key in the error.
    public static func shape(_ text: String, name: String) throws(DetectorOptionsError) -> (rows: Int, columns: Int) {
        let g = try GridShape(parsing: text, name: name)
        return (g.rows, g.columns)
    }

    /// The detector, checked: a known convention and a positive detector distance.
    public func detector() throws(DetectorOptionsError) -> Detector {
        let d = Detector(
            rows: patternShape.rows, columns: patternShape.columns, pc: pc, convention: convention, binning: binning, pixelSize: pixelSize,
            sampleTilt: sampleTilt, detectorTilt: detectorTilt, azimuthal: azimuthal)
        guard d.pc().z > 0 else { throw DetectorOptionsError("the pattern centre must have a positive detector distance (PCz)") }
        return d
    }

    /// The detector with one pattern centre per map point (scan order, given in ``convention``) in place of
    /// ``pc``; nil or empty: the single-PC detector.
    public func detector(pointCentres: [PatternCenter]?) throws(DetectorOptionsError) -> Detector {
        let single = try detector()
        guard let points = pointCentres, !points.isEmpty else { return single }
        return Detector(
            rows: single.rows, columns: single.columns, pcs: points, convention: convention, binning: binning, pixelSize: pixelSize,
            sampleTilt: sampleTilt, detectorTilt: detectorTilt, azimuthal: azimuthal)
    }
}

/// Detector options that do not describe a detector; the message says what was expected.
public struct DetectorOptionsError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
