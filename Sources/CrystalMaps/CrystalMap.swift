import Foundation
import Crystallography

/// The square measurement grid of a map. Pixel `(row, col)` sits at
/// `x = originX + col · stepX`, `y = originY + row · stepY` (µm); row 0 is
/// the top of the map, x points right and y down, as the scan was written.
public struct MapGrid: Hashable, Sendable {
    public var rows: Int
    public var columns: Int
    public var stepX: Double
    public var stepY: Double
    public var originX: Double
    public var originY: Double
    public init(rows: Int, columns: Int, stepX: Double, stepY: Double, originX: Double = 0, originY: Double = 0) {
        self.rows = rows; self.columns = columns; self.stepX = stepX; self.stepY = stepY; self.originX = originX; self.originY = originY
    }
    public var count: Int { rows * columns }
    @inlinable public func index(row: Int, column: Int) -> Int { row * columns + column }
    public func x(column: Int) -> Double { originX + Double(column) * stepX }
    public func y(row: Int) -> Double { originY + Double(row) * stepY }
}

/// A phase as it appears in a map: the file's phase id and the phase.
public struct MapPhase: Hashable, Sendable {
    /// The id used in the file's data (e.g. the `.ang` phase column).
    public var id: Int
    public var phase: Phase
    public init(id: Int, phase: Phase) { self.id = id; self.phase = phase }
}

/// Names of the quality properties the readers and writers know.
public enum MapProperty {
    /// EDAX confidence index (−1 = not indexed).
    public static let confidenceIndex = "ci"
    /// EDAX image quality.
    public static let imageQuality = "iq"
    /// EDAX fit (mean angular deviation of the Hough solution, degrees).
    public static let fit = "fit"
    /// EDAX secondary-electron / detector signal.
    public static let detectorSignal = "sem"
    /// Oxford mean angular deviation (degrees).
    public static let meanAngularDeviation = "mad"
    /// Oxford band contrast (0–255).
    public static let bandContrast = "bc"
    /// Oxford band slope (0–255).
    public static let bandSlope = "bs"
    /// Number of bands detected.
    public static let bands = "bands"
    /// Oxford error code (0 = success).
    public static let error = "error"
    /// Pattern-matching score (normalised cross-correlation).
    public static let score = "score"
}

/// An indexed EBSD map: grid, phase list and per-pixel phase, rotation and
/// named quality properties, stored as contiguous arrays in row-major pixel
/// order (index = row · columns + column).
///
/// `phaseIndex[i]` indexes ``phases``; −1 marks a pixel that is not indexed
/// (zero solution). Rotations are passive, sample → crystal (see
/// ``Crystallography/Rotation``) and are kept for every pixel, indexed or not,
/// exactly as the file gave them; a not-indexed pixel's rotation carries no
/// meaning.
///
/// Reference frame: orientations are stored in the frame the file's Euler
/// angles refer to, with no conversion (as orix does). EDAX/TSL files refer
/// their Euler angles to the TSL frame, which is turned 90° about the sample
/// normal relative to the map's x/y; ``convertingSampleFrame(_:)`` with
/// ``SampleFrameChange/tslToMap`` applies that explicitly. Oxford `.ctf`/`.crc`
/// angles refer to the acquisition ("CS0") frame aligned with the map axes.
public struct CrystalMap: Sendable {
    public var grid: MapGrid
    public var phases: [MapPhase]
    public var phaseIndex: [Int32]
    public var rotations: [Rotation]
    public var properties: [String: [Float]]
    /// Free-form header values kept from the file (pattern centre, operator, …).
    public var metadata: [String: String]

    public init(grid: MapGrid, phases: [MapPhase], phaseIndex: [Int32], rotations: [Rotation],
                properties: [String: [Float]] = [:], metadata: [String: String] = [:]) {
        precondition(phaseIndex.count == grid.count && rotations.count == grid.count, "map arrays must have rows × columns entries")
        self.grid = grid; self.phases = phases; self.phaseIndex = phaseIndex; self.rotations = rotations
        self.properties = properties; self.metadata = metadata
    }

    public var count: Int { grid.count }
    @inlinable public func isIndexed(_ i: Int) -> Bool { phaseIndex[i] >= 0 }
    public var indexedCount: Int { phaseIndex.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
    public var indexedFraction: Double { count == 0 ? 0 : Double(indexedCount) / Double(count) }

    /// The orientation of pixel `i`, or nil when it is not indexed.
    public func orientation(_ i: Int) -> Orientation? {
        let p = phaseIndex[i]
        return p < 0 ? nil : Orientation(rotations[i], phases[Int(p)].phase.laueGroup)
    }

    /// Pixel count per phase (index into ``phases``), not-indexed excluded.
    public var phaseCounts: [Int] {
        var c = [Int](repeating: 0, count: phases.count)
        for p in phaseIndex where p >= 0 { c[Int(p)] += 1 }
        return c
    }

    /// Re-expresses every orientation in another sample frame:
    /// `g' = g · F⁻¹` where `F` rotates old sample coordinates into new ones.
    public func convertingSampleFrame(_ change: SampleFrameChange) -> CrystalMap {
        var out = self
        let inv = change.rotation.inverse
        for i in out.rotations.indices { out.rotations[i] = out.rotations[i] * inv }
        return out
    }
}

/// A change of sample reference frame applied to all orientations of a map.
public struct SampleFrameChange: Sendable {
    /// Rotation taking old sample coordinates to new ones (passive).
    public var rotation: Rotation
    public init(_ rotation: Rotation) { self.rotation = rotation }
    /// EDAX/TSL Euler frame → map frame: φ1 − 90°, i.e. `g' = g · Rz(−90°)`
    /// (passive), the correction applied by MTEX ("convertEuler2SpatialReferenceFrame")
    /// and DefDAP for `.ang` files.
    public static let tslToMap = SampleFrameChange(Rotation(euler: EulerAngles(.pi / 2, 0, 0)))
}

/// Errors of the map readers and writers; each message names the file and,
/// where known, the line or record, on one line.
public enum MapFileError: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case malformed(path: String, line: Int?, message: String)
    case unsupported(path: String, message: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "\(p): cannot open: \(r)"
        case .malformed(let p, let l, let m): return l.map { "\(p):\($0): \(m)" } ?? "\(p): \(m)"
        case .unsupported(let p, let m): return "\(p): unsupported: \(m)"
        case .writeFailed(let p, let r): return "\(p): cannot write: \(r)"
        }
    }
}
