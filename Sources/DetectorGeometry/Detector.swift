import Foundation
import Crystallography

/// An EBSD detector and its view of the sample: pattern shape, binning,
/// pixel size, sample tilt, detector tilt and azimuth, and the pattern
/// centre (one for the whole map, or one per map pixel).
///
/// Frames (as kikuchipy and EMsoft):
/// - **sample frame** (EDAX/TSL RD, TD, ND): the frame orientations refer to;
/// - **detector frame**: X_d to the right on the screen, Y_d up, Z_d from the
///   screen towards the sample. With no tilts X_d = sample y, Y_d = sample z
///   and Z_d = sample x; the detector basis is then turned by −σ (sample
///   tilt) and +θ (detector tilt) about X_d, by −ω (azimuth) about Y_d.
/// - **gnomonic coordinates** of a pixel: its position on the screen
///   relative to the pattern centre divided by the detector distance, x to
///   the right and y up, at the pixel centre.
///
/// Pattern centres are stored in the Bruker convention; this type is the only
/// place where conventions are converted (``pc(in:at:)``).
public struct Detector: Sendable, Hashable {
    public var rows: Int
    public var columns: Int
    public var binning: Int
    /// Unbinned pixel size in µm (used by the EMsoft convention).
    public var pixelSize: Double
    /// Sample tilt σ from horizontal, degrees (typically 70).
    public var sampleTilt: Double
    /// Detector tilt θ, degrees.
    public var detectorTilt: Double
    /// Detector azimuthal angle ω, degrees.
    public var azimuthal: Double
    /// Pattern centres (Bruker): one, or one per map pixel in scan order.
    public var pcs: [PatternCenter]

    public init(
        rows: Int, columns: Int, pc: PatternCenter, convention: PCConvention = .bruker, binning: Int = 1, pixelSize: Double = 1,
        sampleTilt: Double = 70, detectorTilt: Double = 0, azimuthal: Double = 0
    ) {
        self.rows = rows
        self.columns = columns
        self.binning = binning
        self.pixelSize = pixelSize
        self.sampleTilt = sampleTilt
        self.detectorTilt = detectorTilt
        self.azimuthal = azimuthal
        self.pcs = []
        self.pcs = [toBruker(pc, from: convention)]
    }

    /// One PC per map pixel (scan order), all given in `convention`.
    public init(
        rows: Int, columns: Int, pcs: [PatternCenter], convention: PCConvention = .bruker, binning: Int = 1, pixelSize: Double = 1,
        sampleTilt: Double = 70, detectorTilt: Double = 0, azimuthal: Double = 0
    ) {
        precondition(!pcs.isEmpty)
        self.init(
            rows: rows, columns: columns, pc: pcs[0], convention: convention, binning: binning, pixelSize: pixelSize,
            sampleTilt: sampleTilt, detectorTilt: detectorTilt, azimuthal: azimuthal)
        self.pcs = pcs.map { toBruker($0, from: convention) }
    }

    public var aspectRatio: Double { Double(columns) / Double(rows) }
    public var pixelCount: Int { rows * columns }
    /// The PC for map pixel `i` (the single PC when only one is set).
    public func pc(at i: Int = 0) -> PatternCenter { pcs.count == 1 ? pcs[0] : pcs[i] }
    /// This detector with one PC, the mean over the map: what a dictionary is simulated with, and what a projector is
    /// built on where a detector holds one PC per map point (a PC map of a large map would otherwise precompute
    /// every pixel's direction for every point).
    public var withMeanPC: Detector {
        guard pcs.count > 1 else { return self }
        var d = self
        d.pcs = [meanPC]
        return d
    }

    /// The detector that records this one's patterns binned by `factor` (rows and columns divided, binning multiplied;
    /// Bruker PCs, fractions of the pattern, are unchanged).
    public func binned(by factor: Int) -> Detector {
        guard factor > 1 else { return self }
        var d = self
        d.rows /= factor
        d.columns /= factor
        d.binning *= factor
        return d
    }

    /// Mean PC over the map.
    public var meanPC: PatternCenter {
        let n = Double(pcs.count)
        return PatternCenter(pcs.reduce(0) { $0 + $1.x } / n, pcs.reduce(0) { $0 + $1.y } / n, pcs.reduce(0) { $0 + $1.z } / n)
    }

    // MARK: PC conventions

    /// Converts a PC given in `convention` to Bruker for this detector's shape.
    public func toBruker(_ p: PatternCenter, from convention: PCConvention) -> PatternCenter {
        let r = Double(rows), c = Double(columns), b = Double(binning)
        switch convention {
        case .bruker: return p
        case .tsl: return PatternCenter(p.x, 1 - p.y, p.z * min(r, c) / r)
        case .oxford: return PatternCenter(p.x, 1 - p.y * aspectRatio, p.z * aspectRatio)
        case .emsoft, .emsoft4:
            let xpc = convention == .emsoft4 ? -p.x : p.x
            return PatternCenter(0.5 - xpc / (c * b), 0.5 - p.y / (r * b), p.z / (r * b * pixelSize))
        }
    }

    /// The PC of map pixel `i` expressed in `convention`.
    public func pc(in convention: PCConvention, at i: Int = 0) -> PatternCenter {
        let p = pc(at: i)
        let r = Double(rows), c = Double(columns), b = Double(binning)
        switch convention {
        case .bruker: return p
        case .tsl: return PatternCenter(p.x, 1 - p.y, p.z * r / min(r, c))
        case .oxford: return PatternCenter(p.x, (1 - p.y) / aspectRatio, p.z / aspectRatio)
        case .emsoft, .emsoft4:
            let xpc = (0.5 - p.x) * c * b
            return PatternCenter(convention == .emsoft4 ? -xpc : xpc, (0.5 - p.y) * r * b, p.z * r * b * pixelSize)
        }
    }

    // MARK: Frames

    /// Rows are the detector axes X_d, Y_d, Z_d in sample coordinates
    /// (`M v_sample = v_detector`). Built by rotating the untilted basis
    /// (sample y, z, x) by −σ and +θ about X_d and −ω about Y_d
    /// (Rodrigues' formula, right-handed).
    public var sampleToDetector: [Vector3] {
        var basis: [Vector3] = [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
        let d2r = Double.pi / 180
        for (axisIndex, angle) in [(0, -sampleTilt * d2r), (0, detectorTilt * d2r), (1, -azimuthal * d2r)] {
            let u = basis[axisIndex].unit
            let c = cos(angle), s = sin(angle)
            for j in 0..<3 {
                let v = basis[j]
                basis[j] = v * c + u.cross(v) * s + u * (u.dot(v) * (1 - c))
            }
        }
        return basis
    }

    /// Gnomonic coordinates (x right, y up) of pixel (row, col) centre for map pixel `i`'s PC.
    @inlinable public func gnomonic(row: Int, column: Int, pcIndex i: Int = 0) -> (x: Double, y: Double) {
        let p = pc(at: i)
        let r = Double(rows)
        return ((Double(column) + 0.5 - p.x * Double(columns)) / (p.z * r), (p.y * r - Double(row) - 0.5) / (p.z * r))
    }

    /// Unit vectors from the sample point to every pixel centre, in the
    /// sample frame, row-major (rows × columns), for map pixel `i`'s PC.
    public func sampleDirections(pcIndex i: Int = 0) -> [Vector3] {
        let m = sampleToDetector
        var out = [Vector3](repeating: .zero, count: pixelCount)
        for r in 0..<rows {
            for c in 0..<columns {
                let g = gnomonic(row: r, column: c, pcIndex: i)
                // detector-frame vector (gx, gy, 1) → sample frame: Σ components × detector axes
                let v = m[0] * g.x + m[1] * g.y + m[2]
                out[r * columns + c] = v.unit
            }
        }
        return out
    }

    /// Pixel directions in the crystal frame for orientation `g` (`g v`).
    public func crystalDirections(_ g: Rotation, pcIndex i: Int = 0) -> [Vector3] {
        sampleDirections(pcIndex: i).map { g.apply($0) }
    }
}
