import Foundation
import PatternStacks

/// The element type of a caller's pattern array (`ebsd_dtype` in the header).
enum PatternElement: Int32 {
    case float32 = 0
    case uint8 = 1
    case uint16 = 2

    var size: Int {
        switch self {
        case .float32: return 4
        case .uint8: return 1
        case .uint16: return 2
        }
    }
}

/// Patterns in a C caller's contiguous array (row-major `count × rows × columns` of ``PatternElement``), read in place
/// and converted to float per chunk: no copy of the whole stack. Valid only during the C call that made it.
struct BorrowedPatternSource: PatternSource, @unchecked Sendable {
    let base: UnsafeRawPointer
    let element: PatternElement
    let path = "patterns"
    let patternRows: Int
    let patternColumns: Int
    let count: Int
    let mapShape: (rows: Int, columns: Int)?

    /// Largest pattern side the C ABI takes (as the readers of pattern files).
    static let maximumSide = 4096

    /// Checks the shape and, for float32, that every value is finite.
    init(
        _ pointer: UnsafeRawPointer?, element code: Int32, count: Int64, rows: Int64, columns: Int64, mapRows: Int64, mapColumns: Int64
    ) throws {
        guard let pointer else { throw CABIArgumentError(argument: "patterns", problem: "a null pointer") }
        guard let element = PatternElement(rawValue: code) else {
            throw CABIArgumentError(argument: "patterns", problem: "element type \(code) (expected 0 float32, 1 uint8 or 2 uint16)")
        }
        guard count > 0 else { throw CABIArgumentError(argument: "patterns", problem: "\(count) patterns (expected at least one)") }
        let sides = 1...Int64(Self.maximumSide)
        guard sides.contains(rows), sides.contains(columns) else {
            throw CABIArgumentError(
                argument: "patterns", problem: "patterns of \(rows) × \(columns) px (each side must be 1…\(Self.maximumSide))")
        }
        if mapRows != 0 || mapColumns != 0 {
            guard mapRows > 0, mapColumns > 0, mapRows.multipliedReportingOverflow(by: mapColumns) == (count, false) else {
                throw CABIArgumentError(
                    argument: "map_shape", problem: "\(mapRows) × \(mapColumns) does not hold the \(count) patterns")
            }
            mapShape = (Int(mapRows), Int(mapColumns))
        } else {
            mapShape = nil
        }
        guard count <= Int64(Int.max) / (rows * columns * 4) else {
            throw CABIArgumentError(argument: "patterns", problem: "\(count) patterns are more than memory can address")
        }
        base = pointer
        self.element = element
        self.count = Int(count)
        patternRows = Int(rows)
        patternColumns = Int(columns)
        if element == .float32, let bad = firstNonFinite() {
            throw CABIArgumentError(argument: "patterns", problem: "a non-finite value (NaN or infinity) in pattern \(bad)")
        }
    }

    /// The first pattern holding a NaN or infinity, or nil.
    func firstNonFinite() -> Int? {
        let n = patternRows * patternColumns
        let values = base.assumingMemoryBound(to: Float.self)
        for k in 0..<count {
            var finite = true
            for i in (k * n)..<((k + 1) * n) where !values[i].isFinite { finite = false }
            if !finite { return k }
        }
        return nil
    }

    func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw .malformed(path: path, pattern: range.upperBound - 1, message: "outside the \(count) patterns")
        }
        let n = patternRows * patternColumns
        let first = range.lowerBound * n, total = range.count * n
        switch element {
        case .float32:
            return Array(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self) + first, count: total))
        case .uint8:
            let p = base.assumingMemoryBound(to: UInt8.self) + first
            return [Float](unsafeUninitializedCapacity: total) { out, done in
                for i in 0..<total { out[i] = Float(p[i]) }
                done = total
            }
        case .uint16:
            let p = base.assumingMemoryBound(to: UInt16.self) + first
            return [Float](unsafeUninitializedCapacity: total) { out, done in
                for i in 0..<total { out[i] = Float(p[i]) }
                done = total
            }
        }
    }
}
