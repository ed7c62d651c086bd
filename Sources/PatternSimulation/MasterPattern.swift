import Foundation
import Crystallography
import EBSDImageIO

/// A master pattern: backscatter intensity for every direction of the
/// crystal frame, stored as two n × n pages (north z ≥ 0, south z < 0) in
/// the modified square Lambert projection (``SquareLambert``), row-major,
/// row index from Y and column index from X.
///
/// File format: a 2-page 32-bit float TIFF (page 0 north, page 1 south) with
/// a JSON ``Description`` in the ImageDescription tag, so any image tool
/// opens it. EMsoft master patterns exported to TIFF (e.g. the Ni pattern in
/// `../shared/data`) read the same way, with whatever description they have.
public struct MasterPattern: Sendable {
    /// What the pattern is; written as JSON into the TIFF.
    public struct Description: Codable, Sendable, Hashable {
        public var phase: String
        public var spaceGroup: Int
        public var latticeAngstrom: [Double]
        public var voltageKV: Double
        public var projection: String = "square-lambert"
        public var hemispheres: [String] = ["north", "south"]
        public var model: String
        public var minimumDAngstrom: Double?
        public var reflectors: Int?
        public var generator: String
        /// Dynamical patterns: simulated energy bins (keV), their Monte Carlo weights,
        /// the backscatter yield, the number of directions solved and the run times (s).
        public var energyBinsKeV: [Double]?
        public var energyWeights: [Double]?
        public var backscatterYield: Double?
        public var computedDirections: Int?
        public var meanBeams: [Double]?
        public var seconds: [String: Double]?
        public init(
            phase: String, spaceGroup: Int, latticeAngstrom: [Double], voltageKV: Double, model: String,
            minimumDAngstrom: Double? = nil, reflectors: Int? = nil, generator: String
        ) {
            self.phase = phase
            self.spaceGroup = spaceGroup
            self.latticeAngstrom = latticeAngstrom
            self.voltageKV = voltageKV
            self.model = model
            self.minimumDAngstrom = minimumDAngstrom
            self.reflectors = reflectors
            self.generator = generator
        }
    }

    /// A simulated pattern of `phase`: both pages scaled to a maximum of 1, the description filled
    /// in from the phase (name, space group, lattice in Å and degrees).
    public static func simulated(
        _ phase: Phase, size: Int, north: [Float], south: [Float], voltageKV: Double, model: String,
        minimumD: Double, reflectors: Int, generator: String
    ) -> MasterPattern {
        var n = north, s = south
        let mx = max(n.max() ?? 1, s.max() ?? 1)
        if mx > 0 {
            for i in n.indices {
                n[i] /= mx
                s[i] /= mx
            }
        }
        let l = phase.lattice
        let desc = Description(
            phase: phase.name, spaceGroup: phase.spaceGroupNumber,
            latticeAngstrom: [l.a * 10, l.b * 10, l.c * 10, l.alpha * 180 / .pi, l.beta * 180 / .pi, l.gamma * 180 / .pi],
            voltageKV: voltageKV, model: model, minimumDAngstrom: minimumD * 10, reflectors: reflectors, generator: generator)
        return MasterPattern(size: size, north: n, south: s, description: desc)
    }

    public var size: Int
    public var north: [Float]
    public var south: [Float]
    public var description: Description?

    public init(size: Int, north: [Float], south: [Float], description: Description? = nil) {
        precondition(north.count == size * size && south.count == size * size)
        self.size = size
        self.north = north
        self.south = south
        self.description = description
    }

    /// Reads a 2-page float TIFF (north, south; a 1-page file is taken as both hemispheres) or an EMsoft
    /// master-pattern `.h5` (``readEMsoft(_:energyKeV:)``).
    public static func read(_ path: String) throws(ImageIOError) -> MasterPattern {
        if ["h5", "hdf5"].contains((path as NSString).pathExtension.lowercased()) { return try readEMsoft(path) }
        let t = try TIFFReader(path)
        guard t.width == t.height else {
            throw .malformed(path: path, page: 0, message: "master pattern pages must be square, got \(t.width)×\(t.height)")
        }
        guard t.pageCount == 1 || t.pageCount == 2 else {
            throw .malformed(path: path, page: nil, message: "expected 2 pages (north, south), found \(t.pageCount)")
        }
        let n = try t.page(0)
        let s = t.pageCount == 2 ? try t.page(1) : n
        let desc = t.description.flatMap { try? JSONDecoder().decode(Description.self, from: Data($0.utf8)) }
        return MasterPattern(size: t.width, north: n, south: s, description: desc)
    }

    /// Writes the 2-page float TIFF (`compress`: lossless Deflate + floating-point predictor).
    public func write(_ path: String, compress: Bool = false) throws(ImageIOError) {
        var json: String?
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        if let d = description, let data = try? enc.encode(d) { json = String(decoding: data, as: UTF8.self) }
        try TIFFWriter.write(path, width: size, height: size, pages: [north, south], type: .float32, description: json, compress: compress)
    }

    /// Bilinear intensity for a crystal direction (as EMsoft and kikuchipy:
    /// the lower-left pixel is `floor`, neighbours clamped at the edge).
    @inlinable public func intensity(_ v: Vector3) -> Float {
        let sq = SquareLambert.square(v)
        let scale = Float(size - 1) / 2
        return (v.z >= 0 ? north : south).withUnsafeBufferPointer {
            MasterPattern.bilinear($0, size: size, row: Float(sq.y) * scale + scale, column: Float(sq.x) * scale + scale)
        }
    }

    /// Bilinear interpolation of an n × n page at fractional (row, column).
    @inlinable @inline(__always)
    public static func bilinear(_ page: UnsafeBufferPointer<Float>, size n: Int, row fi: Float, column fj: Float) -> Float {
        var i = Int(fi), j = Int(fj)
        var ip = i + 1, jp = j + 1
        if ip >= n { ip = i }
        if jp >= n { jp = j }
        if i < 0 { i = ip }
        if j < 0 { j = jp }
        let di = fi - Float(i), dj = fj - Float(j)
        return page[i * n + j] * (1 - di) * (1 - dj) + page[ip * n + j] * di * (1 - dj)
            + page[i * n + jp] * (1 - di) * dj + page[ip * n + jp] * di * dj
    }
}
