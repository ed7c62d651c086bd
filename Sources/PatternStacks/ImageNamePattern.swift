import Foundation

/// A user's description of where a file name puts its pattern on the map, for folders whose names the automatic rules
/// of ``ImageFolderLayout`` do not read (or read wrongly).
///
/// The pattern is the file name (with or without its extension) with the varying parts written as named fields:
/// - `{x}` and `{y}`: coordinates, in the name's unit (``ImageFolderNaming/unitMicrons`` µm each); the grid spacing is
///   found from the values as for OIM names;
/// - `{row}` and `{column}` (or `{col}`): grid indices, the smallest of each taken as 0;
/// - `{index}`: a running index in scan order (row by row), the smallest taken as point 0;
/// - `*`: any text (possibly empty), not read.
///
/// Everything else is literal text. Fields hold numbers (a sign and a decimal point allowed). Example: OIM's
/// `Scan1_x{x}y{y}.jpg`, `map_r{row}_c{column}.png`, `* Map Data 1_{index}.tiff`.
public struct ImageNamePattern: Sendable, Equatable, CustomStringConvertible {
    /// A named field of a pattern.
    public enum Field: String, Sendable, CaseIterable {
        case x, y, row, column, index
    }

    /// What the fields of a pattern place: coordinates, grid indices or a running index.
    public enum Kind: Sendable, Equatable {
        case coordinates, gridIndices, index
    }

    public let text: String
    public let kind: Kind
    /// The fields in the order they appear.
    let fields: [Field]
    let expression: NSRegularExpression

    public var description: String { text }

    /// The pattern of `text`; refuses a text with an unknown field, a field twice, or no complete set of fields
    /// (`{x}` with `{y}`, `{row}` with `{column}`, or `{index}` alone).
    public init(_ text: String) throws(PatternStackError) {
        self.text = text
        var regex = "^", fields: [Field] = []
        var rest = Substring(text)
        while let c = rest.first {
            if c == "{" {
                guard let close = rest.firstIndex(of: "}") else { throw Self.invalid(text, "a '{' without its '}'") }
                let name = rest[rest.index(after: rest.startIndex)..<close].lowercased()
                guard let field = Field(rawValue: name == "col" ? "column" : name) else {
                    throw Self.invalid(text, "unknown field {\(name)} (known: {x} {y} {row} {column} {index})")
                }
                guard !fields.contains(field) else { throw Self.invalid(text, "{\(name)} appears twice") }
                fields.append(field)
                regex += "([-+]?[0-9]+(?:\\.[0-9]+)?)"
                rest = rest[rest.index(after: close)...]
            } else {
                regex += c == "*" ? ".*?" : NSRegularExpression.escapedPattern(for: String(c))
                rest = rest.dropFirst()
            }
        }
        let set = Set(fields)
        switch set {
        case [.x, .y]: kind = .coordinates
        case [.row, .column]: kind = .gridIndices
        case [.index]: kind = .index
        default:
            throw Self.invalid(text, "the fields must be {x} and {y}, {row} and {column}, or {index} alone")
        }
        self.fields = fields
        do { expression = try NSRegularExpression(pattern: regex + "$", options: [.caseInsensitive]) } catch {
            throw Self.invalid(text, "\(error)")
        }
    }

    /// The fields' values in `name` (matched as a whole, first with its extension, then without), or nil.
    public func values(in name: String) -> [Field: Double]? {
        for candidate in [name, (name as NSString).deletingPathExtension] {
            let range = NSRange(candidate.startIndex..., in: candidate)
            guard let m = expression.firstMatch(in: candidate, range: range) else { continue }
            var out: [Field: Double] = [:]
            for (k, field) in fields.enumerated() {
                guard let r = Range(m.range(at: k + 1), in: candidate), let v = Double(candidate[r]) else { return nil }
                out[field] = v
            }
            return out
        }
        return nil
    }

    static func invalid(_ text: String, _ why: String) -> PatternStackError {
        .cannotOpen(path: text, reason: "name pattern: \(why)")
    }
}
