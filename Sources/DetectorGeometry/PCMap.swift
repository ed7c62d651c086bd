import Foundation

/// A pattern centre for every map point (Bruker convention), from the geometry of a flat, tilted sample scanned
/// under a fixed detector: moving the beam moves the source point relative to the detector in a straight line,
/// so each PC coordinate is an affine function of the map position,
/// `PC = c₀ + c_column · column + c_row · row` (the model kikuchipy's `fit_pc` calls "affine"; EMsoft's PC
/// map is the same plane written out point by point). ``fit(_:mapRows:mapColumns:)`` finds it by least squares
/// from PCs calibrated at a few points (e.g. a 5 × 5 grid); the residuals say how well the plane holds.
///
/// File form (`ebsd calibrate --grid … --pc-map pc.json`, read by every command's `--pc-map`): JSON with
/// `convention` "bruker", `model` "affine", `map_shape` [rows, columns], `pc_x`, `pc_y`, `pc_z` as
/// [c₀, c_column, c_row], `rms_residual` [x, y, z] and the `points` fitted ([row, column, x, y, z]).
public struct PCMap: Sendable, Equatable {
    public var mapRows: Int
    public var mapColumns: Int
    /// [c₀, c_column, c_row] of PCx, PCy and PCz.
    public var x: [Double], y: [Double], z: [Double]
    /// Root-mean-square residual of each coordinate over the fitted points.
    public var rmsResidual = PatternCenter(0, 0, 0)
    /// The calibrated points the plane was fitted to.
    public var points: [(row: Int, column: Int, pc: PatternCenter)] = []

    /// A plane given by its coefficients ([c₀, c_column, c_row] per coordinate).
    public init(mapRows: Int, mapColumns: Int, x: [Double], y: [Double], z: [Double]) {
        self.mapRows = mapRows
        self.mapColumns = mapColumns
        self.x = x
        self.y = y
        self.z = z
    }

    public static func == (a: PCMap, b: PCMap) -> Bool {
        a.mapRows == b.mapRows && a.mapColumns == b.mapColumns && a.x == b.x && a.y == b.y && a.z == b.z
    }

    /// The PC of map point (row, column).
    public func pc(row: Int, column: Int) -> PatternCenter {
        let r = Double(row), c = Double(column)
        return PatternCenter(x[0] + x[1] * c + x[2] * r, y[0] + y[1] * c + y[2] * r, z[0] + z[1] * c + z[2] * r)
    }

    /// Every point's PC, in scan order.
    public var pcs: [PatternCenter] {
        (0..<(mapRows * mapColumns)).map { pc(row: $0 / mapColumns, column: $0 % mapColumns) }
    }

    /// `detector` with this map's PC at every point, for a map of `rows` × `columns`; refused (naming both shapes)
    /// when the PC map was made for another map.
    public func apply(to detector: Detector, mapRows rows: Int, mapColumns columns: Int, path: String) throws(PCMapError) -> Detector {
        guard rows == mapRows, columns == mapColumns else {
            throw .invalid("\(path) is a PC map of a \(mapRows) × \(mapColumns) map, but the map is \(rows) × \(columns)")
        }
        var d = detector
        d.pcs = pcs
        return d
    }

    /// Least-squares plane through calibrated points; at least three, not on one line.
    public static func fit(_ points: [(row: Int, column: Int, pc: PatternCenter)], mapRows: Int, mapColumns: Int) throws(PCMapError)
        -> PCMap
    {
        guard points.count >= 3 else { throw .invalid("a PC map needs at least 3 calibrated points, got \(points.count)") }
        // normal equations of [1, column, row]
        var a = [[Double]](repeating: [0, 0, 0], count: 3)
        var bx = [0.0, 0, 0], by = [0.0, 0, 0], bz = [0.0, 0, 0]
        for p in points {
            let v = [1, Double(p.column), Double(p.row)]
            for i in 0..<3 {
                for j in 0..<3 { a[i][j] += v[i] * v[j] }
                bx[i] += v[i] * p.pc.x
                by[i] += v[i] * p.pc.y
                bz[i] += v[i] * p.pc.z
            }
        }
        guard let cx = solve3(a, bx), let cy = solve3(a, by), let cz = solve3(a, bz) else {
            throw .invalid("the calibrated points lie on one line of the map: a plane through them is not determined")
        }
        var m = PCMap(mapRows: mapRows, mapColumns: mapColumns, x: cx, y: cy, z: cz)
        var sx = 0.0, sy = 0.0, sz = 0.0
        for p in points {
            let q = m.pc(row: p.row, column: p.column)
            sx += (q.x - p.pc.x) * (q.x - p.pc.x)
            sy += (q.y - p.pc.y) * (q.y - p.pc.y)
            sz += (q.z - p.pc.z) * (q.z - p.pc.z)
        }
        let n = Double(points.count)
        m.rmsResidual = PatternCenter((sx / n).squareRoot(), (sy / n).squareRoot(), (sz / n).squareRoot())
        m.points = points
        return m
    }

    /// Cramer's rule for a 3 × 3 system; nil when singular.
    static func solve3(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        func det(_ m: [[Double]]) -> Double {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        }
        let d = det(a)
        let scale = a.flatMap { $0 }.map(abs).max() ?? 1
        guard abs(d) > 1e-12 * scale * scale * scale else { return nil }
        return (0..<3).map { k in
            var m = a
            for i in 0..<3 { m[i][k] = b[i] }
            return det(m) / d
        }
    }

    /// The JSON form (see the type's documentation).
    public var json: String {
        func list(_ v: [Double]) -> String { "[" + v.map { String(format: "%.17g", $0) }.joined(separator: ", ") + "]" }
        let pts = points.map { "[\($0.row), \($0.column), \(list([$0.pc.x, $0.pc.y, $0.pc.z]).dropFirst().dropLast())]" }
        return """
            {
              "convention": "bruker",
              "model": "affine",
              "map_shape": [\(mapRows), \(mapColumns)],
              "pc_x": \(list(x)),
              "pc_y": \(list(y)),
              "pc_z": \(list(z)),
              "rms_residual": \(list([rmsResidual.x, rmsResidual.y, rmsResidual.z])),
              "points": [\(pts.joined(separator: ", "))]
            }

            """
    }

    /// Reads the JSON form; a file that is not one names what is wrong.
    public static func read(_ path: String) throws(PCMapError) -> PCMap {
        guard let data = FileManager.default.contents(atPath: path) else { throw .invalid("\(path): cannot read the PC map") }
        guard let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .invalid("\(path): not a JSON object (expected a PC map written by ebsd calibrate --pc-map)")
        }
        guard (o["convention"] as? String) == "bruker", (o["model"] as? String) == "affine" else {
            throw .invalid("\(path): expected \"convention\": \"bruker\" and \"model\": \"affine\"")
        }
        func numbers(_ k: String, _ n: Int) throws(PCMapError) -> [Double] {
            guard let v = (o[k] as? [Any])?.compactMap({ ($0 as? NSNumber)?.doubleValue }), v.count == n, v.allSatisfy(\.isFinite) else {
                throw .invalid("\(path): \"\(k)\" must be \(n) finite numbers")
            }
            return v
        }
        let shape = try numbers("map_shape", 2)
        guard let rows = Int(exactly: shape[0]), let cols = Int(exactly: shape[1]), rows >= 1, cols >= 1,
            rows.multipliedReportingOverflow(by: cols).overflow == false, rows * cols <= 1 << 32
        else { throw .invalid("\(path): \"map_shape\" must be two positive integers") }
        var m = PCMap(mapRows: rows, mapColumns: cols, x: try numbers("pc_x", 3), y: try numbers("pc_y", 3), z: try numbers("pc_z", 3))
        if let r = try? numbers("rms_residual", 3) { m.rmsResidual = PatternCenter(r[0], r[1], r[2]) }
        return m
    }

    /// Writes the JSON form through a temporary file and a rename.
    public func write(_ path: String) throws(PCMapError) {
        let tmp = path + ".tmp"
        do {
            try json.write(toFile: tmp, atomically: false, encoding: .utf8)
        } catch {
            throw .invalid("\(path): cannot write: \(error.localizedDescription)")
        }
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw .invalid("\(path): cannot write: \(String(cString: strerror(errno)))")
        }
    }
}

/// A PC map that cannot be made, read or used, named.
public enum PCMapError: Error, CustomStringConvertible, Sendable {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let m): return m
        }
    }
}
