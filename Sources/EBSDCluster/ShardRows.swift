import Foundation
import EBSDCore
import EBSDPipeline
import Crystallography
import CrystalMaps

/// A shard's own rows of one step's map, kept exactly (not through the text of an `.ang`), so that the merged
/// map holds the very numbers a single-machine run holds before it writes its map.
///
/// File: the text `EBSDROWS1`, a newline and a JSON header padded with spaces to 4096 bytes (`{"first_row": …,
/// "rows": …, "columns": …, "properties": [names]}`), then the phase indices (int32), the rotations (four
/// float64 quaternion components each: a, b, c, d) and every named property (float32) in the header's order,
/// all little-endian in scan order. Written to a temporary name and renamed.
struct ShardRows {
    static let headerBytes = 4096
    static let magic = "EBSDROWS1\n"

    struct Header: Codable {
        var firstRow: Int
        var rows: Int
        var columns: Int
        var properties: [String]
        enum CodingKeys: String, CodingKey {
            case rows, columns, properties
            case firstRow = "first_row"
        }
    }

    var firstRow: Int
    var rows: Int
    var columns: Int
    var phaseIndex: [Int32]
    var rotations: [Rotation]
    var properties: [String: [Float]]

    /// Rows `rows` of `map`, which covers the map's rows from `mapFirstRow` on.
    init(_ map: CrystalMap, rows own: Range<Int>, mapFirstRow: Int) {
        let local = map.rows((own.lowerBound - mapFirstRow)..<(own.upperBound - mapFirstRow))
        firstRow = own.lowerBound
        rows = own.count
        columns = local.grid.columns
        phaseIndex = local.phaseIndex
        rotations = local.rotations
        properties = local.properties
    }

    func write(to path: String) throws {
        let names = properties.keys.sorted()
        var text =
            Self.magic
            + String(
                decoding: try JSONEncoder().encode(Header(firstRow: firstRow, rows: rows, columns: columns, properties: names)),
                as: UTF8.self)
        guard text.utf8.count <= Self.headerBytes else { throw RecipeError("\(path): too many map columns of values for the header") }
        text += String(repeating: " ", count: Self.headerBytes - text.utf8.count)
        var data = Data(text.utf8)
        phaseIndex.withUnsafeBytes { data.append(contentsOf: $0) }
        precondition(MemoryLayout<Rotation>.stride == 32, "Rotation is a frozen quaternion of four Doubles")
        rotations.withUnsafeBytes { data.append(contentsOf: $0) }
        for n in names { properties[n]!.withUnsafeBytes { data.append(contentsOf: $0) } }
        try AtomicFile.write(data, to: path)
    }

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw RecipeError("\(path): cannot read the shard's map rows") }
        guard data.count >= Self.headerBytes, let text = String(data: data.prefix(Self.headerBytes), encoding: .utf8),
            text.hasPrefix(Self.magic),
            let h = try? JSONDecoder().decode(
                Header.self, from: Data(text.dropFirst(Self.magic.count).trimmingCharacters(in: .whitespaces).utf8)),
            h.rows > 0, h.columns > 0
        else { throw RecipeError("\(path): not a shard's map rows (expected an EBSDROWS1 header)") }
        let n = h.rows * h.columns
        // per point: a phase index (4 bytes), a quaternion (4 × 8), the properties (4 each)
        let expected = Self.headerBytes + n * (4 + 32 + 4 * h.properties.count)
        guard data.count == expected else {
            throw RecipeError("\(path): \(data.count) bytes, but \(h.rows) × \(h.columns) points need \(expected)")
        }
        func array<T>(_ type: T.Type, at offset: Int, count: Int) -> [T] {
            data.withUnsafeBytes { raw in
                (0..<count).map { raw.loadUnaligned(fromByteOffset: offset + $0 * MemoryLayout<T>.size, as: T.self) }
            }
        }
        firstRow = h.firstRow
        rows = h.rows
        columns = h.columns
        phaseIndex = array(Int32.self, at: Self.headerBytes, count: n)
        let q = array(Double.self, at: Self.headerBytes + 4 * n, count: 4 * n)
        rotations = (0..<n).map { Rotation(unchecked: Quaternion(q[4 * $0], q[4 * $0 + 1], q[4 * $0 + 2], q[4 * $0 + 3])) }
        var props: [String: [Float]] = [:]
        for (k, name) in h.properties.enumerated() {
            props[name] = array(Float.self, at: Self.headerBytes + (4 + 32) * n + 4 * n * k, count: n)
        }
        properties = props
    }
}
