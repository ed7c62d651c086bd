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

    /// How far a pattern centre (Bruker x, y, in screen widths/heights) may lie outside the screen: one screen.
    public static let pcOffScreenLimit = 1.0
    /// The largest detector distance PCz taken (Bruker, in screen heights): ten screens away.
    public static let maximumPCz = 10.0
    /// The largest tilt (sample, detector) in degrees.
    public static let maximumTiltDegrees = 90.0

    /// The detector, checked: a known convention, a pattern centre within ``pcOffScreenLimit`` of the screen and a detector
    /// distance in (0, ``maximumPCz``], tilts within ±``maximumTiltDegrees``, a positive binning and pixel size.
    public func detector() throws(DetectorOptionsError) -> Detector {
        guard [sampleTilt, detectorTilt].allSatisfy({ $0.isFinite && abs($0) <= Self.maximumTiltDegrees }), azimuthal.isFinite,
            abs(azimuthal) <= 180
        else {
            throw DetectorOptionsError(
                "tilts must be within ±\(Self.maximumTiltDegrees)° and the azimuthal angle within ±180° (got sample \(sampleTilt)°, "
                    + "detector \(detectorTilt)°, azimuthal \(azimuthal)°)")
        }
        guard binning > 0, pixelSize.isFinite, pixelSize > 0 else {
            throw DetectorOptionsError("binning and pixel size must be positive (got \(binning), \(pixelSize) µm)")
        }
        let d = Detector(
            rows: patternShape.rows, columns: patternShape.columns, pc: pc, convention: convention, binning: binning, pixelSize: pixelSize,
            sampleTilt: sampleTilt, detectorTilt: detectorTilt, azimuthal: azimuthal)
        try Self.check(d.pc())
        return d
    }

    /// Refuses a pattern centre (Bruker) that is not finite, lies more than a screen off the screen or has no sane distance.
    static func check(_ p: PatternCenter) throws(DetectorOptionsError) {
        guard p.z.isFinite, p.z > 0 else { throw DetectorOptionsError("the pattern centre must have a positive detector distance (PCz)") }
        let plane = (-Self.pcOffScreenLimit)...(1 + Self.pcOffScreenLimit)
        guard plane.contains(p.x), plane.contains(p.y), p.z <= Self.maximumPCz else {
            throw DetectorOptionsError(
                "the pattern centre (Bruker \(p.x), \(p.y), \(p.z)) must have x, y within \(plane) and z ≤ \(Self.maximumPCz)")
        }
    }

    /// The detector with one pattern centre per map point (scan order, given in ``convention``) in place of
    /// ``pc``; nil or empty: the single-PC detector.
    public func detector(pointCentres: [PatternCenter]?) throws(DetectorOptionsError) -> Detector {
        let single = try detector()
        guard let points = pointCentres, !points.isEmpty else { return single }
        let d = Detector(
            rows: single.rows, columns: single.columns, pcs: points, convention: convention, binning: binning, pixelSize: pixelSize,
            sampleTilt: sampleTilt, detectorTilt: detectorTilt, azimuthal: azimuthal)
        for p in d.pcs { try Self.check(p) }
        return d
    }
}

/// Detector options that do not describe a detector; the message says what was expected.
public struct DetectorOptionsError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
