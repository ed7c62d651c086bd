import Foundation
import Crystallography

/// EDAX OIM's own binary map file, `.osc` (read only; OIM exports the same scan as `.ang`).
///
/// Layout, little-endian, as found in OIM files (EDAX publishes no specification; MTEX and AnyStitch read it the same
/// way): a 32-byte preamble whose seventh uint32 is the number of points; then blocks, each starting with the marker
/// `B9 0B EF FF`, a uint32 block id and a uint32 (the file offset where the block ends; in some versions the payload's
/// length). Block 1 holds the phases: float32 1.0, uint32 phase count, then per phase a 256-byte name, the TSL
/// symmetry code (int32, as the `.ang` `Symmetry`), a, b, c (Å) and α, β, γ (°) as float32, the number of hkl families
/// (int32) with 3 int32 each, and the formula; several phases are records of equal length filling the block, each
/// checked (a name, a known symmetry code, a positive lattice) before it is used. Block 2 holds the points: x and y
/// step (float32, µm), then per point as many float32 as the block holds per point (10 or more): φ1 Φ φ2 (radians,
/// TSL frame, kept as stored, as the `.ang` reader does), x, y (µm), IQ, CI, phase id, detector (SEM) signal, fit (°);
/// further columns (PRIAS, EDS) are not read. The pattern centre (x*, y*, z*, EDAX convention) and working distance
/// are four float32 at byte 1860. A point is not indexed when its CI is −1 or its phase id is not a phase of the file
/// (a single-phase file writes 0).
public enum OscFile {
    static let marker: [UInt8] = [0xB9, 0x0B, 0xEF, 0xFF]
    static let phaseBlock: UInt32 = 1, dataBlock: UInt32 = 2
    static let preambleBytes = 32, pointCountWord = 6
    static let phaseNameBytes = 256, maximumFormulaBytes = 32
    static let patternCentreOffset = 1860
    /// The columns every OIM scan has (φ1 Φ φ2 x y IQ CI phase SEM fit).
    static let knownColumns = 10

    public static func read(_ path: String) throws(MapFileError) -> CrystalMap {
        guard FileManager.default.fileExists(atPath: path) else { throw .cannotOpen(path: path, reason: "no such file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw .cannotOpen(path: path, reason: "not readable") }
        let b = [UInt8](data)
        func fail(_ message: String) -> MapFileError { .malformed(path: path, line: nil, message: message) }
        func u32(_ o: Int) throws(MapFileError) -> UInt32 {
            guard o >= 0, o + 4 <= b.count else { throw fail("ends at byte \(b.count), expected 4 more bytes at byte \(o)") }
            return UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
        }
        func f32(_ o: Int) throws(MapFileError) -> Double { Double(Float(bitPattern: try u32(o))) }
        guard b.count >= preambleBytes else { throw fail("\(b.count) bytes: too short for an OIM .osc preamble") }
        let n = Int(try u32(pointCountWord * 4))
        guard n > 0, n <= b.count / (knownColumns * 4) else { throw fail("point count \(n) does not fit in the file") }

        // blocks
        var blocks: [UInt32: Range<Int>] = [:]
        var o = preambleBytes
        while let start = find(marker, in: b, from: o) {
            let id = try u32(start + 4), word = Int(try u32(start + 8))
            let end = word > start + 12 && word <= b.count ? word : min(b.count, start + 12 + word)
            if blocks[id] == nil { blocks[id] = (start + 12)..<end }
            o = max(start + 4, end)
        }
        guard let phases = blocks[phaseBlock] else { throw fail("no phase block (B9 0B EF FF 01): not an OIM .osc file?") }
        guard let points = blocks[dataBlock] else { throw fail("no data block (B9 0B EF FF 02): not an OIM .osc file?") }

        // phases
        let phaseCount = Int(try u32(phases.lowerBound + 4))
        guard phaseCount >= 1, phaseCount <= 64 else { throw fail("phase block at byte \(phases.lowerBound): \(phaseCount) phases") }
        let recordBytes = (phases.count - 8) / phaseCount
        var mapPhases: [MapPhase] = []
        for k in 0..<phaseCount {
            let r = phases.lowerBound + 8 + k * recordBytes
            let name = try string(b, r, phaseNameBytes, path: path)
            let code = Int(Int32(bitPattern: try u32(r + phaseNameBytes)))
            var cell: [Double] = []
            for j in 0..<6 { cell.append(try f32(r + phaseNameBytes + 4 + 4 * j)) }
            let families = Int(Int32(bitPattern: try u32(r + phaseNameBytes + 28)))
            guard let laue = LaueGroup(tslSymmetryCode: code), cell.allSatisfy({ $0.isFinite && $0 > 0 }), (0...10_000).contains(families),
                !name.isEmpty
            else {
                throw fail(
                    "phase \(k + 1) at byte \(r): expected a name, a TSL symmetry code and a lattice (got '\(name)', \(code), \(cell))")
            }
            let formulaAt = r + phaseNameBytes + 32 + 12 * families
            let formulaBytes = min(maximumFormulaBytes, phases.upperBound - formulaAt)
            let formula = formulaAt < phases.upperBound ? (try? string(b, formulaAt, formulaBytes, path: path)) ?? "" : ""
            let lattice = Lattice.angstromDegrees(cell[0], cell[1], cell[2], cell[3], cell[4], cell[5])
            let phase = Phase(name: name, spaceGroupNumber: 0, lattice: lattice, laueGroup: laue, formula: formula)
            mapPhases.append(MapPhase(id: k + 1, phase: phase))
        }

        // points: the steps, then `columns` float32 per point
        let payload = points.count - 8
        guard payload > 0, payload % (4 * n) == 0, payload / (4 * n) >= knownColumns else {
            throw fail("data block at byte \(points.lowerBound): \(payload) bytes do not hold \(n) points of ≥ \(knownColumns) float32")
        }
        let columns = payload / (4 * n)
        // the steps as their shortest float32 decimal (0.1, not 0.10000000149), as OIM shows and writes them
        func decimal(_ v: Double) -> Double { Double("\(Float(v))") ?? v }
        let stepX = decimal(try f32(points.lowerBound)), stepY = decimal(try f32(points.lowerBound + 4))
        guard stepX > 0, stepY > 0, stepX.isFinite, stepY.isFinite else { throw fail("steps \(stepX) × \(stepY) µm are not positive") }
        guard abs(stepX - stepY) <= 1e-6 * stepX else {
            throw .unsupported(path: path, message: "x step \(stepX) ≠ y step \(stepY) µm (hexagonal grid); export a square grid")
        }
        var values = [Double](repeating: 0, count: n * knownColumns)
        let first = points.lowerBound + 8
        for i in 0..<n {
            for c in 0..<knownColumns { values[i * knownColumns + c] = try f32(first + 4 * (i * columns + c)) }
        }
        guard values.allSatisfy({ $0.isFinite }) else { throw fail("data block holds non-finite values") }
        let xs = (0..<n).map { values[$0 * knownColumns + 3] }, ys = (0..<n).map { values[$0 * knownColumns + 4] }
        let asm = try GridAssembly(
            path: path, xs: xs, ys: ys, rows: nil, columns: nil, stepX: stepX, stepY: stepY, firstDataLine: 0)

        // a single-phase file that writes 0 in its phase column: that 0 is the phase (as in .ang)
        let ids = Set((0..<n).compactMap { Int(fileValue: values[$0 * knownColumns + 7]) })
        if mapPhases.count == 1 && !ids.contains(mapPhases[0].id) && ids.contains(0) { mapPhases[0].id = 0 }
        var indexOfId: [Int: Int32] = [:]
        for (i, p) in mapPhases.enumerated() { indexOfId[p.id] = Int32(i) }
        let count = asm.grid.count
        var phaseIndex = [Int32](repeating: -1, count: count), rotations = [Rotation](repeating: .identity, count: count)
        let names = [MapProperty.imageQuality, MapProperty.confidenceIndex, MapProperty.detectorSignal, MapProperty.fit]
        let columnOf = [5, 6, 8, 9]
        var props = [[Float]](repeating: [Float](repeating: 0, count: count), count: names.count)
        for i in 0..<n {
            let v = i * knownColumns, px = asm.pixelOfRecord[i]
            rotations[px] = Rotation(euler: EulerAngles(values[v], values[v + 1], values[v + 2]))
            for (j, c) in columnOf.enumerated() { props[j][px] = Float(values[v + c]) }
            if values[v + 6] != -1, let id = Int(fileValue: values[v + 7]), let p = indexOfId[id] { phaseIndex[px] = p }
        }
        var meta: [String: String] = ["format": "osc"]
        if columns > knownColumns { meta["osc_columns_not_read"] = "\(columns - knownColumns)" }
        if patternCentreOffset + 16 <= phases.lowerBound {
            let pc = try (0..<4).map { j throws(MapFileError) in try f32(patternCentreOffset + 4 * j) }
            if pc.allSatisfy({ $0.isFinite && $0 >= 0 }) && pc[0] <= 2 && pc[1] <= 2 && pc[2] <= 2 {
                for (key, v) in zip(["x-star", "y-star", "z-star", "workingdistance"], pc) { meta[key] = String(format: "%.6f", v) }
            }
        }
        var properties: [String: [Float]] = [:]
        for (j, name) in names.enumerated() { properties[name] = props[j] }
        return CrystalMap(
            grid: asm.grid, phases: mapPhases, phaseIndex: phaseIndex, rotations: rotations, properties: properties, metadata: meta)
    }

    /// The first index ≥ `from` where `pattern` starts in `bytes`, or nil.
    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard pattern.count <= bytes.count else { return nil }
        var i = max(0, from)
        while i + pattern.count <= bytes.count {
            if bytes[i] == pattern[0] && bytes[(i + 1)..<(i + pattern.count)].elementsEqual(pattern.dropFirst()) { return i }
            i += 1
        }
        return nil
    }

    /// The NUL-terminated text at `offset` within `length` bytes (printable ASCII/UTF-8 expected).
    static func string(_ bytes: [UInt8], _ offset: Int, _ length: Int, path: String) throws(MapFileError) -> String {
        guard offset >= 0, offset + length <= bytes.count else {
            throw .malformed(path: path, line: nil, message: "ends inside the text at byte \(offset)")
        }
        let field = bytes[offset..<(offset + length)]
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }
}
