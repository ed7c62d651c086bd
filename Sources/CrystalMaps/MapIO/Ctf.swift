import EBSDCore
import Foundation
import Crystallography

/// Oxford Instruments (Channel 5 / AZtec) `.ctf` text maps.
///
/// Header: `XCells`, `YCells`, `XStep`, `YStep`, … then `Phases N`, N
/// phase lines (`a;b;c  α;β;γ  name  LaueGroup  SpaceGroup …`, Å and
/// degrees, Oxford Laue numbers 1–11), then a tab-separated column header
/// (`Phase X Y Bands Error Euler1 Euler2 Euler3 MAD BC BS`). Euler angles
/// are Bunge, in degrees, referred to the acquisition (CS0) frame and kept as
/// stored. Phase 0 means not indexed. Lines may end in CRLF.
///
/// Files written in a European locale (AZtec, Channel 5) use decimal commas: `XStep 0,5`, `3,231;3,231;5,148`,
/// `103,85`. They are recognised by a comma in `XStep`/`YStep` or in the first phase's lattice, and every comma is
/// then read as a decimal point (as EbsdLib does: fields are tab- and semicolon-separated, so a comma is never a
/// separator); the map's metadata ``decimalSeparatorKey`` records `comma`, and ``write(_:to:)`` writes the file back
/// the same way unless told otherwise. 3-D files (`ZCells` > 1) are refused.
public enum CtfFile {
    /// The metadata key that records a `.ctf`'s decimal separator (a ``DecimalSeparator`` raw value).
    public static let decimalSeparatorKey = "decimal_separator"

    /// How numbers are written: with a decimal point, or a decimal comma (European locales).
    public enum DecimalSeparator: String, Sendable, CaseIterable { case point, comma }

    /// Whether the header says the file uses decimal commas (a comma in XStep/YStep or in the first phase's lattice).
    static func usesDecimalCommas(_ text: TextBuffer) -> Bool {
        for li in 0..<min(text.lineCount, maximumHeaderLines) {
            let fields = text.line(li).split(separator: "\t", omittingEmptySubsequences: false)
            guard let key = fields.first else { continue }
            if (key == "XStep" || key == "YStep"), fields.count > 1, fields[1].contains(",") { return true }
            if key == "Phases" {
                let next = li + 1 < text.lineCount ? text.line(li + 1) : ""
                return next.split(separator: "\t").first?.contains(",") ?? false
            }
        }
        return false
    }

    /// Header lines looked at for the decimal separator before the phases must have begun.
    static let maximumHeaderLines = 64

    /// Header bytes read before the data lines (the header, phases and column line must end within them).
    static let maximumHeaderBytes = 4 << 20

    /// Reads a `.ctf`: the header from the file's first bytes, then the data lines window by window
    /// (``TextFileWindows``), so that a file of several GB is read without holding its text.
    public static func read(_ path: String) throws(MapFileError) -> CrystalMap {
        try read(path, windowBytes: TextFileWindows.defaultWindowBytes)
    }

    /// ``read(_:)`` with data windows of `windowBytes` (tests read in small windows).
    static func read(_ path: String, windowBytes: Int) throws(MapFileError) -> CrystalMap {
        let file = try TextFileWindows(path: path, windowBytes: windowBytes)
        var text = try file.head(maxBytes: maximumHeaderBytes)
        var meta: [String: String] = [:]
        let decimalCommas = usesDecimalCommas(text)
        if decimalCommas {
            text = text.replacingDecimalCommas()
            meta[decimalSeparatorKey] = DecimalSeparator.comma.rawValue
        }
        var xcells: Int?, ycells: Int?, xstep: Double?, ystep: Double?
        var phases: [MapPhase] = []
        var li = 0
        var columns: [String] = []
        while li < text.lineCount {
            let line = text.line(li)
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let key = fields.first ?? ""
            if key == "Phases" {
                guard fields.count > 1, let np = Int(fields[1]), np >= 0 else {
                    throw .malformed(path: path, line: li + 1, message: "Phases: expected a count")
                }
                for k in 0..<np {
                    let pl = li + 1 + k
                    guard pl < text.lineCount else {
                        throw .malformed(path: path, line: pl + 1, message: "expected \(np) phase lines, file ends")
                    }
                    let f = text.line(pl).split(separator: "\t", omittingEmptySubsequences: false).map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }
                    guard f.count >= 4 else {
                        throw .malformed(
                            path: path, line: pl + 1,
                            message: "phase line: expected 'a;b;c<TAB>α;β;γ<TAB>name<TAB>Laue group…', found \(f.count) fields")
                    }
                    let abc = f[0].split(separator: ";").compactMap { Double($0) }
                    let ang = f[1].split(separator: ";").compactMap { Double($0) }
                    guard abc.count == 3, ang.count == 3 else {
                        throw .malformed(path: path, line: pl + 1, message: "phase line: lattice must be 'a;b;c' and 'α;β;γ'")
                    }
                    guard let ln = Int(f[3]), let laue = LaueGroup(oxfordLaueNumber: ln) else {
                        throw .malformed(path: path, line: pl + 1, message: "phase line: Laue group '\(f[3])' is not 1–11")
                    }
                    let sg = f.count > 4 ? Int(f[4]) ?? 0 : 0
                    let lat = Lattice.angstromDegrees(abc[0], abc[1], abc[2], ang[0], ang[1], ang[2])
                    phases.append(MapPhase(id: k + 1, phase: Phase(name: f[2], spaceGroupNumber: sg, lattice: lat, laueGroup: laue)))
                }
                li += np + 1
                guard li < text.lineCount else {
                    throw .malformed(path: path, line: li, message: "missing column header line after the phases")
                }
                columns = text.line(li).split(whereSeparator: { $0 == "\t" || $0 == " " }).map(String.init)
                li += 1
                break
            }
            if fields.count >= 2 {
                switch key {
                case "XCells": xcells = Int(fields[1])
                case "YCells": ycells = Int(fields[1])
                case "XStep": xstep = Double(fields[1])
                case "YStep": ystep = Double(fields[1])
                case "ZCells":
                    if let z = Int(fields[1]), z > 1 {
                        throw .unsupported(path: path, message: "a 3-D map (ZCells \(z)): only 2-D .ctf maps are read")
                    }
                default: meta[key] = fields[1]
                }
            }
            li += 1
        }
        guard !columns.isEmpty else { throw .malformed(path: path, line: nil, message: "no 'Phases' section: not a .ctf file?") }
        func col(_ name: String) -> Int? { columns.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame } }
        guard let cPhase = col("Phase"), let cX = col("X"), let cY = col("Y"), let cE1 = col("Euler1"), let cE2 = col("Euler2"),
            let cE3 = col("Euler3")
        else {
            throw .malformed(
                path: path, line: li,
                message: "column header must name Phase, X, Y, Euler1, Euler2, Euler3; found \(columns.joined(separator: " "))")
        }
        let ncol = columns.count
        let known = Set([cPhase, cX, cY, cE1, cE2, cE3])
        let propCols = (0..<ncol).filter { !known.contains($0) }
        let layout = TextMapRecords.Layout(x: cX, y: cY, euler: (cE1, cE2, cE3), eulerScale: .pi / 180, properties: propCols)
        // room for the points the header announces, but no more than the file's bytes could hold
        let header = TextMapRecords.HeaderGrid(rows: ycells, columns: xcells, stepX: xstep, stepY: ystep)
        var records = TextMapRecords(layout: layout, header: header, fileBytes: file.size, columns: ncol)
        let dataOffset = li < text.lineCount ? text.lineStarts[li] : text.bytes.count - 1
        let describe = columns.joined(separator: " ")
        try file.forEachWindow(from: dataOffset, firstLine: li, decimalCommas: decimalCommas) { window throws(MapFileError) in
            let lines = (0..<window.lineCount).filter { window.firstByte($0) != nil }
            let values = try window.parseTable(lines: lines, columns: ncol, describe: describe)
            records.append(values, columns: ncol) { r in Int32(clamping: Int(fileValue: r[cPhase]) ?? 0) }
        }
        var (grid, phaseIndex, rotations, props) = try (consume records).placed(path: path, firstDataLine: li + 1)
        let phaseCount = Int32(phases.count)
        for k in phaseIndex.indices {
            let p = phaseIndex[k]
            phaseIndex[k] = p >= 1 && p <= phaseCount ? p - 1 : -1
        }
        var properties: [String: [Float]] = [:]
        for (j, c) in propCols.enumerated() { properties[columns[c].lowercased()] = props[j] }
        props = []
        meta["format"] = "ctf"
        return CrystalMap(
            grid: grid, phases: phases, phaseIndex: phaseIndex, rotations: rotations, properties: properties, metadata: meta)
    }

    /// Writes an Oxford `.ctf` (CRLF line ends, Euler angles in degrees with
    /// 5 decimals). Not-indexed points get phase 0 and error code 3. Numbers with decimal commas where the map's
    /// metadata ``decimalSeparatorKey`` says `comma` (a European file read), else with points.
    public static func write(_ map: CrystalMap, to path: String) throws(MapFileError) {
        let comma = map.metadata[decimalSeparatorKey] == DecimalSeparator.comma.rawValue
        /// `text` (numbers only) with the map's decimal separator.
        func number(_ text: String) -> String { comma ? text.replacingOccurrences(of: ".", with: ",") : text }
        let g = map.grid
        let project = map.metadata["Prj"] ?? "SwiftEBSD", author = map.metadata["Author"] ?? "SwiftEBSD"
        var h = "Channel Text File\r\nPrj\t\(project)\r\nAuthor\t\(author)\r\nJobMode\tGrid\r\n"
        h += "XCells\t\(g.columns)\r\nYCells\t\(g.rows)\r\n"
        h += "XStep\t" + number(String(format: "%.4f", g.stepX)) + "\r\nYStep\t" + number(String(format: "%.4f", g.stepY)) + "\r\n"
        h += "AcqE1\t0\r\nAcqE2\t0\r\nAcqE3\t0\r\n"
        let kv = map.metadata["KV"] ?? "20", tilt = map.metadata["TiltAngle"] ?? "70"
        h += "Euler angles refer to Sample Coordinate system (CS0)!\tMag\t0\tCoverage\t100\tDevice\t0"
        h += "\tKV\t\(kv)\tTiltAngle\t\(tilt)\tTiltAxis\t0\r\n"
        h += "Phases\t\(map.phases.count)\r\n"
        for mp in map.phases {
            let l = mp.phase.lattice
            h += number(
                String(
                    format: "%.4f;%.4f;%.4f\t%.3f;%.3f;%.3f\t", l.a * 10, l.b * 10, l.c * 10, l.alpha * 180 / .pi,
                    l.beta * 180 / .pi, l.gamma * 180 / .pi))
            h += "\(mp.phase.name)\t\(mp.phase.laueGroup.oxfordLaueNumber)\t\(mp.phase.spaceGroupNumber)\r\n"
        }
        h += "Phase\tX\tY\tBands\tError\tEuler1\tEuler2\tEuler3\tMAD\tBC\tBS\r\n"
        let bands = map.properties[MapProperty.bands],
            mad = map.properties[MapProperty.meanAngularDeviation] ?? map.properties[MapProperty.fit]
        let bc = map.properties[MapProperty.bandContrast] ?? map.properties[MapProperty.imageQuality],
            bs = map.properties[MapProperty.bandSlope]
        let n = map.count
        try writeRecords(to: path, header: h, count: n, bytesPerRecord: 70) { i, buf in
            let start = buf.count
            defer { if comma { for k in start..<buf.count where buf[k] == UInt8(ascii: ".") { buf[k] = UInt8(ascii: ",") } } }
            let e = map.rotations[i].euler
            let p = map.phaseIndex[i]
            let r = i / g.columns, col = i % g.columns
            appendFixed(&buf, Double(p + 1), decimals: 0)
            buf.append(9)
            appendFixed(&buf, g.x(column: col), decimals: 4)
            buf.append(9)
            appendFixed(&buf, g.y(row: r), decimals: 4)
            buf.append(9)
            appendFixed(&buf, Double(bands?[i] ?? 0), decimals: 0)
            buf.append(9)
            appendFixed(&buf, p >= 0 ? 0 : 3, decimals: 0)
            buf.append(9)
            appendFixed(&buf, e.phi1 * 180 / .pi, decimals: 5)
            buf.append(9)
            appendFixed(&buf, e.Phi * 180 / .pi, decimals: 5)
            buf.append(9)
            appendFixed(&buf, e.phi2 * 180 / .pi, decimals: 5)
            buf.append(9)
            appendFixed(&buf, Double(mad?[i] ?? 0), decimals: 4)
            buf.append(9)
            appendFixed(&buf, Double(bc?[i] ?? 0).rounded(), decimals: 0)
            buf.append(9)
            appendFixed(&buf, Double(bs?[i] ?? 0).rounded(), decimals: 0)
            buf.append(13)
            buf.append(10)
        }
    }
}
