import Foundation

/// Where each image of a folder of per-pattern images lies on the map, read from the file names.
///
/// The names are compared with each other: the text they share is the template, the numbers that vary are the
/// position. Rules, in order:
/// - **Coordinates** (EDAX OIM exports, `…_x{X}y{Y}.jpg`): an `x` number followed by a `y` number. X and Y are
///   positions in `unitMicrons` (OIM writes 10 nm units, ``oimUnitMicrons``); the grid spacing is the smallest step
///   between distinct values, the map shape the extent over it, the scan step spacing × unit.
/// - **Running index** (AZtec exports, `… Map Data 1_0238000.tiff`): one number varies; the smallest is point 0 (the
///   offset removed), the points follow in scan order; the map shape must come from elsewhere (the caller's).
/// - Otherwise **natural order** of the names (pattern_2 before pattern_10) with no position: ``naming`` says so.
///
/// Points no file names are holes (counted; their patterns read as zeros and are left not indexed); files that do not
/// fit the template, repeat a position or fall between grid points are strays, listed and ignored.
public struct ImageFolderLayout: Sendable, Equatable {
    /// How the positions were found.
    public enum Naming: Sendable, Equatable, CustomStringConvertible {
        case coordinates(unitMicrons: Double)
        case index
        case naturalOrder
        /// The user's name pattern (with the unit of its coordinates, if any).
        case pattern(ImageNamePattern, unitMicrons: Double)

        public var description: String {
            switch self {
            case .coordinates(let u): return String(format: "x…y… coordinates in the names (unit %g µm)", u)
            case .index: return "a running index in the names (offset removed)"
            case .naturalOrder: return "natural order of the names (they carry no position)"
            case .pattern(let p, let u):
                switch p.kind {
                case .coordinates: return String(format: "the name pattern '%@' (coordinates, unit %g µm)", p.text, u)
                case .gridIndices: return "the name pattern '\(p.text)' (row and column indices)"
                case .index: return "the name pattern '\(p.text)' (a running index, offset removed)"
                }
            }
        }
    }

    /// OIM's unit for the x/y in pattern file names: 10 nm.
    public static let oimUnitMicrons = 0.01

    public let naming: Naming
    /// The map shape the names give (nil for a running index or natural order).
    public let shape: (rows: Int, columns: Int)?
    /// The scan step the names give, µm (coordinates only).
    public let stepMicrons: Double?
    /// The file of every map point in scan order (row by row); nil where no file names the point (a hole).
    public let fileOfPoint: [String?]
    /// Files left out: not fitting the template, a repeated position, or between grid points.
    public let strays: [String]

    public var holes: Int { fileOfPoint.reduce(0) { $0 + ($1 == nil ? 1 : 0) } }

    public static func == (a: Self, b: Self) -> Bool {
        a.naming == b.naming && a.shape?.rows == b.shape?.rows && a.shape?.columns == b.shape?.columns
            && a.stepMicrons == b.stepMicrons && a.fileOfPoint == b.fileOfPoint && a.strays == b.strays
    }

    /// The layout of `names` (file names without the folder) by `naming`: its pattern where it has one (names it does
    /// not match are strays), else the automatic rules.
    public init(names: [String], naming rule: ImageFolderNaming) {
        if let pattern = rule.pattern {
            self.init(names: names, pattern: pattern, unitMicrons: rule.unitMicrons)
        } else {
            self.init(names: names, unitMicrons: rule.unitMicrons)
        }
    }

    /// The layout of `names` (file names without the folder) by the automatic rules, coordinates in `unitMicrons`.
    public init(names: [String], unitMicrons: Double = ImageFolderLayout.oimUnitMicrons) {
        let natural = names.sorted { $0.compare($1, options: [.numeric, .caseInsensitive]) == .orderedAscending }
        let parsed = natural.map { (name: $0, parts: Self.split(($0 as NSString).deletingPathExtension)) }
        // the most common template (the names' text with the numbers taken out) and its members
        var count: [[String]: Int] = [:]
        for p in parsed { count[p.parts.text, default: 0] += 1 }
        let template = count.max { $0.value < $1.value || ($0.value == $1.value && $0.key.joined() > $1.key.joined()) }?.key ?? []
        let members = parsed.filter { $0.parts.text == template }
        let outside = parsed.filter { $0.parts.text != template }.map(\.name)
        let varying = members.count > 1
            ? (0..<(members.first?.parts.numbers.count ?? 0)).filter { k in Set(members.map { $0.parts.numbers[k] }).count > 1 }
            : []
        // coordinates: two varying numbers, the first after text ending in "x", the second after text ending in "y"
        if varying.count == 2, template[varying[0]].lowercased().hasSuffix("x"), template[varying[1]].lowercased().hasSuffix("y"),
            let grid = Self.grid(members.map { ($0.name, $0.parts.numbers[varying[0]], $0.parts.numbers[varying[1]]) })
        {
            naming = .coordinates(unitMicrons: unitMicrons)
            shape = (grid.rows, grid.columns)
            stepMicrons = grid.spacing * unitMicrons
            fileOfPoint = grid.files
            strays = outside + grid.strays
            return
        }
        if varying.count == 1, members.count >= 2 {
            let k = varying[0]
            if let run = Self.runningIndex(members.map { ($0.name, $0.parts.numbers[k]) }) {
                naming = .index
                shape = nil
                stepMicrons = nil
                fileOfPoint = run.files
                strays = outside + run.strays
                return
            }
        }
        naming = .naturalOrder
        shape = nil
        stepMicrons = nil
        fileOfPoint = natural
        strays = []
    }

    /// The layout of the names `pattern` matches; the others are strays.
    init(names: [String], pattern: ImageNamePattern, unitMicrons: Double) {
        let natural = names.sorted { $0.compare($1, options: [.numeric, .caseInsensitive]) == .orderedAscending }
        var matched: [(name: String, values: [ImageNamePattern.Field: Double])] = []
        var outside: [String] = []
        for name in natural {
            if let v = pattern.values(in: name) { matched.append((name, v)) } else { outside.append(name) }
        }
        naming = .pattern(pattern, unitMicrons: unitMicrons)
        var placement: Placement?
        switch pattern.kind {
        case .coordinates:
            placement = Self.grid(matched.map { ($0.name, $0.values[.x] ?? 0, $0.values[.y] ?? 0) })
        case .gridIndices:
            placement = Self.indices(matched.map { ($0.name, $0.values[.row] ?? 0, $0.values[.column] ?? 0) })
        case .index:
            if let run = Self.runningIndex(matched.map { ($0.name, $0.values[.index] ?? 0) }) {
                placement = (0, 0, 1, run.files, run.strays)
            }
        }
        guard let placement else {
            shape = nil
            stepMicrons = nil
            fileOfPoint = []
            strays = natural
            return
        }
        shape = pattern.kind == .index ? nil : (placement.rows, placement.columns)
        stepMicrons = pattern.kind == .coordinates ? placement.spacing * unitMicrons : nil
        fileOfPoint = placement.files
        strays = outside + placement.strays
    }

    /// Files by a running index: the smallest is point 0; indices that are not whole numbers ≥ 0, or repeat, make strays.
    /// Nil when no index is usable or the indices span more than ``maximumIndexSpan`` points per file.
    static func runningIndex(_ points: [(String, Double)]) -> (files: [String?], strays: [String])? {
        let usable = points.filter { $0.1 == $0.1.rounded() && $0.1 >= 0 }
        guard let lo = usable.map(\.1).min(), let hi = usable.map(\.1).max(),
            hi - lo < Double(max(maximumIndexSpan * usable.count, 1_000_000))
        else { return nil }
        var files = [String?](repeating: nil, count: Int(hi - lo) + 1)
        var strays = points.filter { p in !(p.1 == p.1.rounded() && p.1 >= 0) }.map(\.0)
        for (name, i) in usable {
            let p = Int(i - lo)
            if files[p] == nil { files[p] = name } else { strays.append(name) }
        }
        return (files, strays)
    }

    /// Index spans beyond this many points per file are not taken as a running index (a date or a serial number).
    static let maximumIndexSpan = 4

    /// Files by (row, column) indices, the smallest of each taken as 0; indices that are not whole numbers or repeat
    /// make strays. Nil when none is usable or the grid would hold more than ``maximumIndexSpan`` points per file.
    static func indices(_ points: [(String, Double, Double)]) -> Placement? {
        let whole = { (v: Double) in v == v.rounded() && abs(v) < 1e9 }
        let usable = points.filter { whole($0.1) && whole($0.2) }
        guard let r0 = usable.map(\.1).min(), let r1 = usable.map(\.1).max(), let c0 = usable.map(\.2).min(),
            let c1 = usable.map(\.2).max()
        else { return nil }
        let rows = Int(r1 - r0) + 1, columns = Int(c1 - c0) + 1
        guard rows * columns <= max(maximumIndexSpan * usable.count, 1) else { return nil }
        var files = [String?](repeating: nil, count: rows * columns)
        var strays = points.filter { !(whole($0.1) && whole($0.2)) }.map(\.0)
        for (name, r, c) in usable {
            let i = Int(r - r0) * columns + Int(c - c0)
            if files[i] == nil { files[i] = name } else { strays.append(name) }
        }
        return (rows, columns, 1, files, strays)
    }

    /// A name's text between its numbers (the template) and the numbers (decimal points allowed inside a number).
    static func split(_ stem: String) -> (text: [String], numbers: [Double]) {
        var text: [String] = [], numbers: [Double] = []
        var current = "", number = ""
        for ch in stem {
            if ch.isASCII && ch.isNumber || (ch == "." && !number.isEmpty && !number.contains(".")) {
                if number.isEmpty {
                    text.append(current)
                    current = ""
                }
                number.append(ch)
            } else {
                if !number.isEmpty {
                    numbers.append(Double(number.hasSuffix(".") ? String(number.dropLast()) : number) ?? 0)
                    if number.hasSuffix(".") { current = "." }
                    number = ""
                }
                current.append(ch)
            }
        }
        if !number.isEmpty { numbers.append(Double(number) ?? 0) }
        text.append(current)
        return (text, numbers)
    }

    /// The grid of (name, x, y) points. The spacing is the candidate (a step between neighbouring distinct values of x
    /// or y) that places the most files on grid nodes with the fewest empty nodes, so a stray file between nodes does
    /// not halve it; extents from the smallest to the largest value on the grid. Points between nodes or repeated are
    /// strays.
    static func grid(_ points: [(String, Double, Double)]) -> Placement? {
        let xs = Set(points.map(\.1)).sorted(), ys = Set(points.map(\.2)).sorted()
        let steps = zip(xs.dropFirst(), xs).map { $0 - $1 } + zip(ys.dropFirst(), ys).map { $0 - $1 }
        var seen: [Double] = []
        for d in steps.sorted() where d > 0 && !seen.contains(where: { abs($0 - d) <= 1e-9 * d }) { seen.append(d) }
        var best: (score: Int, layout: Placement)?
        for spacing in seen.prefix(maximumSpacingCandidates) {
            guard let layout = place(points, spacing: spacing) else { continue }
            let placed = layout.files.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
            let score = placed - (layout.files.count - placed)
            if best == nil || score > best!.score || score == best!.score && spacing > best!.layout.spacing { best = (score, layout) }
        }
        return best?.layout
    }

    /// Files on a grid: its shape and spacing, the file of each node (nil: a hole), the files on no node.
    typealias Placement = (rows: Int, columns: Int, spacing: Double, files: [String?], strays: [String])

    /// Grids holding more than this many nodes per file are refused (a spacing far too fine).
    static let maximumGridPointsPerFile = 16

    /// Spacings tried (the smallest distinct steps between neighbouring values).
    static let maximumSpacingCandidates = 16

    /// The points on the grid of `spacing` from the smallest on-grid x and y.
    static func place(_ points: [(String, Double, Double)], spacing: Double) -> Placement? {
        let tolerance = 1e-6
        func onGrid(_ v: Double, _ origin: Double) -> Bool {
            let k = (v - origin) / spacing
            return abs(k - k.rounded()) < tolerance
        }
        // the origin: the smallest value of the residue class (value modulo spacing) most points share
        func origin(_ values: [Double]) -> Double? {
            var classes: [Int: (count: Int, smallest: Double)] = [:]
            let resolution = 1 / tolerance
            for v in values {
                let k = v / spacing
                let residue = Int(((k - k.rounded(.down)) * resolution).rounded()) % Int(resolution)
                let c = classes[residue] ?? (0, v)
                classes[residue] = (c.count + 1, min(c.smallest, v))
            }
            return classes.values.max { a, b in a.count != b.count ? a.count < b.count : a.smallest > b.smallest }?.smallest
        }
        guard let x0 = origin(points.map(\.1)), let y0 = origin(points.map(\.2)) else { return nil }
        let on = points.filter { onGrid($0.1, x0) && onGrid($0.2, y0) && $0.1 >= x0 && $0.2 >= y0 }
        guard let x1 = on.map(\.1).max(), let y1 = on.map(\.2).max() else { return nil }
        let columns = Int(((x1 - x0) / spacing).rounded()) + 1, rows = Int(((y1 - y0) / spacing).rounded()) + 1
        guard columns > 0, rows > 0, rows * columns <= maximumGridPointsPerFile * points.count else { return nil }
        var files = [String?](repeating: nil, count: rows * columns)
        var strays = points.filter { !(onGrid($0.1, x0) && onGrid($0.2, y0) && $0.1 >= x0 && $0.2 >= y0) }.map(\.0)
        for (name, x, y) in on {
            let i = Int(((y - y0) / spacing).rounded()) * columns + Int(((x - x0) / spacing).rounded())
            if files[i] == nil { files[i] = name } else { strays.append(name) }
        }
        return (rows, columns, spacing, files, strays)
    }
}
