import EBSDCore
import Foundation
import Crystallography

/// EDAX/TSL `.ang` text maps.
///
/// Columns (8 to 14): φ1 Φ φ2 (radians, Bunge, TSL frame) x y (µm) IQ CI
/// phase [SEM fit …]. A point is not indexed when CI = −1, or when its phase
/// id is not in the header (a single-phase file may write phase 0 for its
/// only phase). Points are placed on the grid by their x, y, so files whose
/// rows are stored out of order read correctly. Hexagonal grids are rejected.
/// Euler angles are kept as stored (no frame change; see ``CrystalMap``).
///
/// The CI column holds the map's ``MapProperty/confidenceIndex`` (Hough's CI, or a file's) unless the map holds a
/// pattern-matching NCC (``MapProperty/score``): then the column holds the NCC, as kikuchipy writes refined maps, and the
/// header says so with `# CI_COLUMN: ncc` (``nccColumnKey``), so that reading the file back gives `score`, not `ci`.
public enum AngFile {
    /// The header key that names what the CI column holds when it is not a confidence index.
    public static let ciColumnKey = "CI_COLUMN"
    /// ``ciColumnKey``'s value for a CI column that holds the pattern-matching NCC.
    public static let nccColumnValue = "ncc"

    /// Header bytes read before the data lines (the header must end within them).
    static let maximumHeaderBytes = 4 << 20

    /// Reads a `.ang`: the header from the file's first bytes, then the data lines window by window
    /// (``TextFileWindows``), so that a file of several GB is read without holding its text.
    public static func read(_ path: String) throws(MapFileError) -> CrystalMap {
        try read(path, windowBytes: TextFileWindows.defaultWindowBytes)
    }

    /// ``read(_:)`` with data windows of `windowBytes` (tests read in small windows).
    static func read(_ path: String, windowBytes: Int) throws(MapFileError) -> CrystalMap {
        let file = try TextFileWindows(path: path, windowBytes: windowBytes)
        let text = try file.head(maxBytes: maximumHeaderBytes)
        var meta: [String: String] = [:]
        var phases: [(number: Int, name: String, formula: String, symmetry: Int?, lattice: [Double])] = []
        var nrows: Int?, ncolsOdd: Int?, ncolsEven: Int?, xstep: Double?, ystep: Double?
        var grid = "SqrGrid"
        var firstData = -1
        var columnHeaders: [String] = []
        var ciProperty = MapProperty.confidenceIndex
        for li in 0..<text.lineCount {
            guard let f = text.firstByte(li) else { continue }
            if f != UInt8(ascii: "#") {
                firstData = li
                break
            }
            var line = text.line(li)
            line.removeFirst()
            let t = line.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty else { continue }
            let parts = t.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init)
            guard let key = parts.first else { continue }
            let rest = parts.dropFirst()
            func num(_ s: String?) throws(MapFileError) -> Double {
                guard let s, let v = Double(s) else {
                    throw .malformed(path: path, line: li + 1, message: "header '\(key)': expected a number")
                }
                return v
            }
            func count(_ s: String?) throws(MapFileError) -> Int {
                guard let i = Int(fileValue: try num(s)), i >= 0, i <= 100_000_000 else {
                    throw .malformed(path: path, line: li + 1, message: "header '\(key)': expected a count from 0 to 100000000")
                }
                return i
            }
            switch key.lowercased() {
            case "phase":
                guard let n = rest.first.flatMap({ Int($0) }) else { continue }
                phases.append((n, "", "", nil, []))
            case "materialname":
                if !phases.isEmpty { phases[phases.count - 1].name = rest.joined(separator: " ") }
            case "formula":
                if !phases.isEmpty { phases[phases.count - 1].formula = rest.joined(separator: " ") }
            case "symmetry":
                if !phases.isEmpty { phases[phases.count - 1].symmetry = rest.first.flatMap { Int($0) } }
            case "latticeconstants":
                if !phases.isEmpty {
                    let v = rest.compactMap { Double($0) }
                    guard v.count == 6 else {
                        throw .malformed(path: path, line: li + 1, message: "LatticeConstants: expected 6 numbers, found \(v.count)")
                    }
                    phases[phases.count - 1].lattice = v
                }
            case "grid": grid = rest.first ?? grid
            case ciColumnKey.lowercased() where rest.first?.lowercased() == nccColumnValue: ciProperty = MapProperty.score
            case "xstep": xstep = try num(rest.first)
            case "ystep": ystep = try num(rest.first)
            case "ncols_odd": ncolsOdd = try count(rest.first)
            case "ncols_even": ncolsEven = try count(rest.first)
            case "nrows": nrows = try count(rest.first)
            case "column_headers":
                columnHeaders =
                    t.split(separator: ":", maxSplits: 1).last.map {
                        $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    } ?? []
            case "x-star", "y-star", "z-star", "workingdistance", "tem_pixperum", "operator", "sampleid", "scanid":
                meta[key.lowercased()] = rest.joined(separator: " ")
            default: break
            }
        }
        if grid.lowercased().hasPrefix("hex") {
            throw .unsupported(
                path: path,
                message: "hexagonal grid (GRID: \(grid)); resample it to a square grid first (e.g. in OIM: Convert Scan to square grid)")
        }
        if let o = ncolsOdd, let e = ncolsEven, o != e {
            throw .unsupported(path: path, message: "NCOLS_ODD \(o) ≠ NCOLS_EVEN \(e) (hexagonal layout)")
        }
        guard firstData >= 0 else { throw .malformed(path: path, line: nil, message: "no data lines after the header") }
        let ncol: Int = text.bytes.withUnsafeBufferPointer { p in
            countFields(p.baseAddress!, from: text.lineStarts[firstData], to: text.lineEnd(firstData))
        }
        guard ncol >= 8 else {
            throw .malformed(
                path: path, line: firstData + 1, message: "expected at least 8 columns (φ1 Φ φ2 x y IQ CI phase), found \(ncol)")
        }
        let propColumns = [5, 6] + Array(8..<ncol)
        let layout = TextMapRecords.Layout(x: 3, y: 4, euler: (0, 1, 2), eulerScale: 1, properties: propColumns)
        let header = TextMapRecords.HeaderGrid(rows: nrows, columns: ncolsOdd, stepX: xstep, stepY: ystep)
        var records = TextMapRecords(layout: layout, header: header, fileBytes: file.size, columns: ncol)
        // a line that does not parse is reported after the count check (a cut file says "truncated", not "column 3")
        var unreadable: MapFileError?
        var n = 0, lastDataLine = firstData
        try file.forEachWindow(from: text.lineStarts[firstData], firstLine: firstData) { window throws(MapFileError) in
            let lines = (0..<window.lineCount).filter { window.firstByte($0) != nil }
            n += lines.count
            if let last = lines.last { lastDataLine = window.lineOffset + last }
            guard unreadable == nil else { return }
            switch Result(catching: { () throws(MapFileError) in try window.parseTable(lines: lines, columns: ncol) }) {
            case .success(let values): records.append(values, columns: ncol) { r in Int32(clamping: Int(fileValue: r[7]) ?? -1) }
            case .failure(let e): unreadable = e
            }
        }
        if let r = nrows, let c = ncolsOdd, r * c != n {
            throw .malformed(
                path: path, line: lastDataLine + 1,
                message: "header says NROWS \(r) × NCOLS \(c) = \(r * c) points, found \(n) data lines (file truncated?)")
        }
        if let unreadable { throw unreadable }
        var (mapGrid, phaseIDs, rotations, props) = try (consume records).placed(path: path, firstDataLine: firstData + 1)
        // Phases.
        var mapPhases: [MapPhase] = []
        for ph in phases {
            let laue = ph.symmetry.flatMap { LaueGroup(tslSymmetryCode: $0) } ?? .cubicHigh
            let lat =
                ph.lattice.count == 6
                ? Lattice.angstromDegrees(ph.lattice[0], ph.lattice[1], ph.lattice[2], ph.lattice[3], ph.lattice[4], ph.lattice[5])
                : .cubic(0.1)
            let name = ph.name.isEmpty ? "phase \(ph.number)" : ph.name
            mapPhases.append(
                MapPhase(id: ph.number, phase: Phase(name: name, spaceGroupNumber: 0, lattice: lat, laueGroup: laue, formula: ph.formula)))
        }
        // A single-phase file that writes 0 in its phase column: that 0 is the phase.
        if mapPhases.count == 1, !phaseIDs.contains(Int32(clamping: mapPhases[0].id)), phaseIDs.contains(0) { mapPhases[0].id = 0 }
        let indexOfID = mapPhases.enumerated().map { (id: Int32(clamping: $1.id), index: Int32($0)) }

        var names = [MapProperty.imageQuality, ciProperty]
        let extra = [MapProperty.detectorSignal, MapProperty.fit]
        for j in 8..<ncol {
            if j - 8 < extra.count {
                names.append(extra[j - 8])
            } else if j < columnHeaders.count {
                names.append(columnHeaders[j].lowercased())
            } else {
                names.append("col\(j + 1)")
            }
        }
        // CI −1: not indexed (the CI column is the second property)
        props[1].withUnsafeBufferPointer { ci in
            for k in phaseIDs.indices {
                let id = phaseIDs[k]
                phaseIDs[k] = ci[k] != -1 ? indexOfID.first(where: { $0.id == id })?.index ?? -1 : -1
            }
        }
        let phaseIndex = phaseIDs
        phaseIDs = []
        var properties: [String: [Float]] = [:]
        for (i, nm) in names.enumerated() { properties[nm] = props[i] }
        props = []
        meta["format"] = "ang"
        return CrystalMap(
            grid: mapGrid, phases: mapPhases, phaseIndex: phaseIndex, rotations: rotations, properties: properties, metadata: meta)
    }

    /// Writes a 10-column TSL `.ang` (φ1 Φ φ2 x y IQ CI phase SEM fit) that
    /// orix and OIM read. Not-indexed points get phase 0 and CI −1; phases
    /// are numbered 1… in list order. Euler angles are written with 6 decimals.
    /// The CI column: the NCC `score` where the map has one (header `# CI_COLUMN: ncc`), else `ci`.
    public static func write(_ map: CrystalMap, to path: String) throws(MapFileError) {
        var h = ""
        h += "# TEM_PIXperUM          1.000000\n"
        h += "# x-star                \(map.metadata["x-star"] ?? "0.000000")\n"
        h += "# y-star                \(map.metadata["y-star"] ?? "0.000000")\n"
        h += "# z-star                \(map.metadata["z-star"] ?? "0.000000")\n"
        h += "# WorkingDistance       \(map.metadata["workingdistance"] ?? "0.000000")\n#\n"
        for (i, mp) in map.phases.enumerated() {
            let p = mp.phase, l = p.lattice
            h += "# Phase \(i + 1)\n# MaterialName  \t\(p.name)\n# Formula     \t\(p.formula)\n# Info\n"
            h += "# Symmetry              \(p.laueGroup.tslSymmetryCode)\n"
            h += String(
                format: "# LatticeConstants      %.4f %.4f %.4f  %.3f  %.3f  %.3f\n", l.a * 10, l.b * 10, l.c * 10,
                l.alpha * 180 / .pi, l.beta * 180 / .pi, l.gamma * 180 / .pi)
            h += "# NumberFamilies        0\n# Categories 0 0 0 0 0\n#\n"
        }
        let g = map.grid
        h += "# GRID: SqrGrid\n"
        h += String(format: "# XSTEP: %.6f\n# YSTEP: %.6f\n", g.stepX, g.stepY)
        h += "# NCOLS_ODD: \(g.columns)\n# NCOLS_EVEN: \(g.columns)\n# NROWS: \(g.rows)\n#\n"
        h +=
            "# OPERATOR: \t\(map.metadata["operator"] ?? "")\n#\n# SAMPLEID: \t\(map.metadata["sampleid"] ?? "")\n#\n# SCANID: "
            + "\t\(map.metadata["scanid"] ?? "")\n#\n"
        h += "# Written by SwiftEBSD (Bunge Euler angles in radians, TSL frame as stored)\n"
        let n = map.count
        let iq = map.properties[MapProperty.imageQuality] ?? map.properties[MapProperty.bandContrast]
        let ncc = map.properties[MapProperty.score]
        if ncc != nil { h += "# \(ciColumnKey): \(nccColumnValue)\n" }
        let ci = ncc ?? map.properties[MapProperty.confidenceIndex]
        let sem = map.properties[MapProperty.detectorSignal]
        let fit = map.properties[MapProperty.fit] ?? map.properties[MapProperty.meanAngularDeviation]
        try writeRecords(to: path, header: h, count: n, bytesPerRecord: 80) { i, buf in
            let e = map.rotations[i].euler
            let indexed = map.phaseIndex[i] >= 0
            let r = i / g.columns, col = i % g.columns
            appendFixed(&buf, e.phi1, decimals: 6)
            buf.append(32)
            appendFixed(&buf, e.Phi, decimals: 6)
            buf.append(32)
            appendFixed(&buf, e.phi2, decimals: 6)
            buf.append(32)
            appendFixed(&buf, g.x(column: col), decimals: 5)
            buf.append(32)
            appendFixed(&buf, g.y(row: r), decimals: 5)
            buf.append(32)
            appendFixed(&buf, Double(iq?[i] ?? 0), decimals: 3)
            buf.append(32)
            // CI −1 means "not indexed" to every .ang reader: an indexed pixel (e.g. one filled
            // from its neighbours after it had been a zero solution) gets at least 0.
            appendFixed(&buf, indexed ? max(0, Double(ci?[i] ?? 1)) : -1, decimals: 4)
            buf.append(32)
            appendFixed(&buf, indexed ? Double(map.phaseIndex[i] + 1) : 0, decimals: 0)
            buf.append(32)
            appendFixed(&buf, Double(sem?[i] ?? 0), decimals: 3)
            buf.append(32)
            appendFixed(&buf, Double(fit?[i] ?? 0), decimals: 3)
            buf.append(10)
        }
    }
}
