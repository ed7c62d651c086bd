import EBSDHDF5
import Foundation

/// Writes a pattern stack as a kikuchipy h5ebsd file (`Scan 1/EBSD/Data/patterns`, chunked, with kikuchipy's
/// header names), streamed pattern by pattern, so that kikuchipy (`kp.load`) and PyEBSDIndex open our processed
/// stacks. Written to a temporary file and renamed by ``finish()``: an interrupted write leaves nothing.
public final class H5EBSDWriter {
    /// The geometry written into the header (PCs in the Bruker convention, angles in degrees).
    public struct Header: Sendable {
        public var mapRows: Int
        public var mapColumns: Int
        public var stepX = 1.0
        public var stepY = 1.0
        public var pc = SIMD3<Double>(0.5, 0.5, 0.5)
        public var sampleTilt = 70.0
        public var detectorTilt = 0.0
        public var azimuthal = 0.0
        public var binning = 1
        public var pixelSize = 1.0
        public var voltageKV = 20.0
        public init(mapRows: Int, mapColumns: Int) {
            self.mapRows = mapRows
            self.mapColumns = mapColumns
        }
    }

    /// The kikuchipy h5ebsd layout version this writer follows (kikuchipy checks the manufacturer, not the version).
    public static let layoutVersion = "0.13.1"
    static let dataset = "Scan 1/EBSD/Data/patterns"

    let path: String
    let tmp: String
    let file: HDF5File
    let header: Header
    let rows: Int, columns: Int
    var buffer: [Float] = []
    var written = 0
    let chunk: Int

    public init(_ path: String, rows: Int, columns: Int, type: HDF5File.StoredType, header: Header) throws(HDF5Error) {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        tmp = (dir.isEmpty ? "" : dir + "/") + ".\((path as NSString).lastPathComponent).tmp"
        file = try HDF5File.create(tmp)
        self.header = header
        self.rows = rows
        self.columns = columns
        let count = header.mapRows * header.mapColumns
        let chunkBytes = 1 << 20
        chunk = max(1, min(count, chunkBytes / max(1, rows * columns)))
        try file.createPatterns(Self.dataset, count: count, rows: rows, columns: columns, as: type, chunk: chunk)
        buffer.reserveCapacity(chunk * rows * columns)
    }

    /// Appends one pattern (rows × columns values, converted to the stored type).
    public func append(_ pattern: [Float]) throws(HDF5Error) {
        precondition(pattern.count == rows * columns, "a pattern of the writer's shape")
        buffer += pattern
        if buffer.count == chunk * rows * columns { try flush() }
    }

    func flush() throws(HDF5Error) {
        let n = buffer.count / (rows * columns)
        guard n > 0 else { return }
        try file.writeRows(Self.dataset, start: written, count: n, values: buffer)
        written += n
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the header and moves the file into place.
    public func finish() throws(HDF5Error) {
        try flush()
        let h = header
        guard written == h.mapRows * h.mapColumns else {
            throw .writeFailed(path: path, object: "\(Self.dataset) (\(written) patterns written)")
        }
        try file.write("kikuchipy", to: "manufacturer")
        try file.write(Self.layoutVersion, to: "version")
        let hd = "Scan 1/EBSD/Header"
        let values: [(String, Double, HDF5File.StoredType)] = [
            ("n_rows", Double(h.mapRows), .int32), ("n_columns", Double(h.mapColumns), .int32), ("pattern_height", Double(rows), .int32),
            ("pattern_width", Double(columns), .int32), ("step_x", h.stepX, .float64), ("step_y", h.stepY, .float64),
            ("pcx", h.pc.x, .float64), ("pcy", h.pc.y, .float64), ("pcz", h.pc.z, .float64), ("sample_tilt", h.sampleTilt, .float64),
            ("elevation_angle", h.detectorTilt, .float64), ("azimuth_angle", h.azimuthal, .float64), ("binning", Double(h.binning), .int32),
            ("detector_pixel_size", h.pixelSize, .float64), ("static_background", -1, .int32),
        ]
        for (name, v, t) in values { try file.write([v], shape: [], as: t, to: "\(hd)/\(name)") }
        try file.write("square", to: "\(hd)/grid_type")
        try file.write([h.voltageKV], shape: [], as: .float64, to: "Scan 1/SEM/Header/beam_energy")
        try file.write([0], shape: [], as: .float64, to: "Scan 1/SEM/Header/magnification")
        try file.write("", to: "Scan 1/SEM/Header/microscope")
        try file.write([0], shape: [], as: .float64, to: "Scan 1/SEM/Header/working_distance")
        file.close()
        if rename(tmp, path) != 0 {
            unlink(tmp)
            throw .writeFailed(path: path, object: "the file (rename failed)")
        }
    }

    deinit {
        if FileManager.default.fileExists(atPath: tmp) { unlink(tmp) }
    }
}
