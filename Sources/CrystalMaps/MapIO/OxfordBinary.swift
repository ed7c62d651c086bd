import Foundation
import Crystallography

/// Oxford Instruments AZtec project maps: a `.cpr` INI-style text header and
/// a `.crc` binary file of fixed-size little-endian records, one per pixel
/// in row-major order (x fastest).
///
/// Each record starts with the phase byte (0 = not indexed) followed by the
/// fields listed in `[Fields]`: 3–5 Euler angles (float32, radians, CS0 frame),
/// 6 MAD (float32, °), 7 band contrast (uint8), 8 band slope (uint8),
/// 10 bands (uint8), 11 error code (uint8, 0 = solved), 12 float32 (unnamed).
/// A pixel is indexed when its phase byte is non-zero and its error code is 0.
/// Read only.
public enum OxfordBinaryFile {
    static let fieldTable: [Int: (name: String, size: Int)] = [
        3: ("euler1", 4), 4: ("euler2", 4), 5: ("euler3", 4), 6: (MapProperty.meanAngularDeviation, 4), 7: (MapProperty.bandContrast, 1),
        8: (MapProperty.bandSlope, 1),
        10: (MapProperty.bands, 1), 11: (MapProperty.error, 1), 12: ("ib6", 4),
    ]

    /// Reads `path` (.cpr or .crc; the other file is found beside it).
    public static func read(_ path: String) throws(MapFileError) -> CrystalMap {
        let base = (path as NSString).deletingPathExtension
        let cprPath = base + ".cpr", crcPath = base + ".crc"
        let text = try TextBuffer(path: cprPath)
        var sections: [String: [String: String]] = [:]
        var current = ""
        for li in 0..<text.lineCount {
            let t = text.line(li).trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix(";") { continue }
            if t.hasPrefix("[") && t.hasSuffix("]") {
                current = String(t.dropFirst().dropLast())
                continue
            }
            if let eq = t.firstIndex(of: "=") {
                sections[current, default: [:]][String(t[..<eq])] = String(t[t.index(after: eq)...])
            }
        }
        func value(_ s: String, _ k: String) throws(MapFileError) -> String {
            guard let v = sections[s]?[k] else { throw .malformed(path: cprPath, line: nil, message: "missing [\(s)] \(k)") }
            return v
        }
        guard let nx = Int(try value("Job", "xCells")), let ny = Int(try value("Job", "yCells")), nx > 0, ny > 0 else {
            throw .malformed(path: cprPath, line: nil, message: "[Job] xCells/yCells must be positive integers")
        }
        guard let dx = Double(try value("Job", "GridDistX")) else {
            throw .malformed(path: cprPath, line: nil, message: "[Job] GridDistX is not a number")
        }
        let dy = Double(sections["Job"]?["GridDistY"] ?? "") ?? dx
        let nPhases = Int(sections["Phases"]?["Count"] ?? "0") ?? 0
        var phases: [MapPhase] = []
        for i in 1...max(1, nPhases) where i <= nPhases {
            let s = "Phase\(i)"
            func d(_ k: String, _ def: Double) -> Double { Double(sections[s]?[k] ?? "") ?? def }
            let laue = LaueGroup(oxfordLaueNumber: Int(sections[s]?["LaueGroup"] ?? "") ?? 11) ?? .cubicHigh
            let lat = Lattice.angstromDegrees(
                d("a", 1), d("b", d("a", 1)), d("c", d("a", 1)), d("alpha", 90), d("beta", 90), d("gamma", 90))
            phases.append(
                MapPhase(
                    id: i,
                    phase: Phase(
                        name: sections[s]?["StructureName"] ?? s, spaceGroupNumber: Int(sections[s]?["SpaceGroup"] ?? "") ?? 0,
                        lattice: lat, laueGroup: laue)))
        }
        let nFields = Int(sections["Fields"]?["Count"] ?? "0") ?? 0
        var layout: [(id: Int, name: String, offset: Int, size: Int)] = []
        var recordSize = 1
        for i in 0..<nFields {
            guard let id = Int(sections["Fields"]?["Field\(i + 1)"] ?? "") else {
                throw .malformed(path: cprPath, line: nil, message: "[Fields] Field\(i + 1) missing or not a number")
            }
            guard let f = fieldTable[id] else {
                throw .unsupported(path: cprPath, message: "[Fields] field id \(id) is not known (known: 3–8, 10–12)")
            }
            layout.append((id, f.name, recordSize, f.size))
            recordSize += f.size
        }
        guard FileManager.default.fileExists(atPath: crcPath) else {
            throw .cannotOpen(path: crcPath, reason: "no such file (the .crc beside \(cprPath))")
        }
        guard let data = FileManager.default.contents(atPath: crcPath) else { throw .cannotOpen(path: crcPath, reason: "not readable") }
        let n = nx * ny
        guard data.count == n * recordSize else {
            throw .malformed(
                path: crcPath, line: nil,
                message:
                    "size \(data.count) bytes does not match \(nx) × \(ny) records of \(recordSize) bytes = \(n * recordSize) "
                    + "from \(cprPath)"
            )
        }
        var phaseIndex = [Int32](repeating: -1, count: n)
        var rotations = [Rotation](repeating: .identity, count: n)
        var props: [String: [Float]] = [:]
        for f in layout where !f.name.hasPrefix("euler") { props[f.name] = [Float](repeating: 0, count: n) }
        let e1 = layout.first { $0.id == 3 }?.offset, e2 = layout.first { $0.id == 4 }?.offset, e3 = layout.first { $0.id == 5 }?.offset
        var firstBadPhase: (record: Int, value: Int)?
        let errorOffset = layout.first { $0.id == 11 }?.offset
        data.withUnsafeBytes { raw in
            func f32(_ o: Int) -> Float { Float(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian) }
            for r in 0..<n {
                let o = r * recordSize
                let p = Int(raw[o])
                if p > 0 && (errorOffset == nil || raw[o + errorOffset!] == 0) {
                    if p <= phases.count { phaseIndex[r] = Int32(p - 1) } else if firstBadPhase == nil { firstBadPhase = (r, p) }
                }
                if let e1, let e2, let e3 {
                    rotations[r] = Rotation(euler: EulerAngles(Double(f32(o + e1)), Double(f32(o + e2)), Double(f32(o + e3))))
                }
                for f in layout where !f.name.hasPrefix("euler") {
                    props[f.name]![r] = f.size == 4 ? f32(o + f.offset) : Float(raw[o + f.offset])
                }
            }
        }
        if let b = firstBadPhase {
            throw .malformed(
                path: crcPath, line: nil, message: "record \(b.record): phase \(b.value) but the .cpr lists \(phases.count) phase(s)")
        }
        var meta: [String: String] = ["format": "cpr"]
        for (k, v) in sections["Job"] ?? [:] { meta[k] = v }
        return CrystalMap(
            grid: MapGrid(rows: ny, columns: nx, stepX: dx, stepY: dy), phases: phases, phaseIndex: phaseIndex,
            rotations: rotations, properties: props, metadata: meta)
    }
}
