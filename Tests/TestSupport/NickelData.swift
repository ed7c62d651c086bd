import Foundation
import Crystallography
import DetectorGeometry
import PatternStacks
import EBSDImageIO

/// The 9 real NORDIF Ni patterns of `../shared/data/ni-nordif-3x3` (60 × 60 px, a 3 × 3 map) with what
/// kikuchipy's tutorial data states about them: each pattern's Bruker PC, the reference orientations, the NCC of
/// kikuchipy's standard preprocessing against EMsoft's master, and the static background. Loaded in one place for
/// every suite that uses them; a missing or changed file throws with the key it expected.
public struct NickelData {
    public static let rows = 60, columns = 60, count = 9
    /// EMsoft's Ni master pattern (20 kV) exported to TIFF.
    public static let masterPath = SharedData.path("data/ni-master-20kv/lambert_north_south.tif")

    /// The patterns as read, contiguous (9 × 3600).
    public let raw: [Float]
    /// The static background (3600).
    public let background: [Float]
    /// Each pattern minus the static background.
    public let patterns: [[Float]]
    /// Each pattern's PC (Bruker) and their mean.
    public let pcs: [PatternCenter]
    public let meanPC: PatternCenter
    /// Reference orientations (kikuchipy's refinement).
    public let references: [Rotation]
    /// kikuchipy's NCC of each pattern after its standard preprocessing against EMsoft's master.
    public let nccStandardPreprocessing: [Double]

    public init() throws {
        let file = "data/ni-nordif-3x3/metadata.json"
        let meta = try SharedData.json(file)
        func triples(_ key: String) throws -> [[Double]] {
            guard let v = meta[key] as? [[Double]], v.count == Self.count, v.allSatisfy({ $0.count == 3 }) else {
                throw SharedData.BadEntry(file: file, key: key, expected: "\(Self.count) triples")
            }
            return v
        }
        pcs = try triples("pc_bruker_per_pattern").map { PatternCenter($0[0], $0[1], $0[2]) }
        let n = Double(Self.count)
        meanPC = PatternCenter(pcs.map(\.x).reduce(0, +) / n, pcs.map(\.y).reduce(0, +) / n, pcs.map(\.z).reduce(0, +) / n)
        references = try triples("reference_orientations_bunge_rad").map { Rotation(euler: EulerAngles($0[0], $0[1], $0[2])) }
        guard let ncc = meta.doubles("ncc_standard_preprocessing"), ncc.count == Self.count else {
            throw SharedData.BadEntry(file: file, key: "ncc_standard_preprocessing", expected: "\(Self.count) numbers")
        }
        nccStandardPreprocessing = ncc
        let all = try PatternStack.open(SharedData.path("data/ni-nordif-3x3/patterns.tif"), mapShape: (3, 3)).read(0..<Self.count)
        raw = all
        let bg = try PatternStack.open(SharedData.path("data/ni-nordif-3x3/static_background.tif"), mapShape: (1, 1)).read(0..<1)
        background = bg
        let size = Self.rows * Self.columns
        patterns = (0..<Self.count).map { k in (0..<size).map { all[k * size + $0] - bg[$0] } }
    }
}

extension NickelData {
    /// Writes the 9 patterns into `folder` as RGB PNGs (gray copied into each channel) named as an EDAX OIM export
    /// names them (`Ni scan_x{X}y{Y}.png`, X and Y in 10 nm units, 0.5 µm step), leaving out point `hole`, with one
    /// stray image (`overview.png`) that lies on no map point.
    public func writeOIMNamedImages(to folder: URL, hole: Int) throws {
        let size = Self.rows * Self.columns
        for k in (0..<Self.count).reversed() where k != hole {
            let (r, c) = (k / 3, k % 3)
            let rgb = raw[(k * size)..<((k + 1) * size)].flatMap { v in [UInt8](repeating: UInt8(v), count: 3) }
            try PNGImage(width: Self.columns, height: Self.rows, channels: 3, pixels: rgb)
                .write(to: folder.appendingPathComponent("Ni scan_x\(c * 50)y\(r * 50).png").path)
        }
        try PNGImage(width: 2, height: 2, channels: 1, pixels: [0, 0, 0, 0]).write(to: folder.appendingPathComponent("overview.png").path)
    }
}
