/// Rows × columns of a pixel grid (a pattern) or of map points, written "ROWSxCOLS" (e.g. `60x60`, `24x100`) in
/// CLI options and recipes; the one parser of that spelling.
///
///     try GridShape(parsing: "24x100", name: "--map-shape")   // 24 rows, 100 columns
public struct GridShape: Sendable, Hashable, CustomStringConvertible {
    public var rows: Int
    public var columns: Int

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// Parses "ROWSxCOLS" (both positive); `name` names the option or key in the error.
    public init(parsing text: String, name: String) throws(DetectorOptionsError) {
        let p = text.lowercased().split(separator: "x").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard p.count == 2, p[0] > 0, p[1] > 0 else {
            throw DetectorOptionsError("\(name) must be ROWSxCOLS, e.g. 60x60 (got '\(text)')")
        }
        self.init(rows: p[0], columns: p[1])
    }

    /// "ROWSxCOLS".
    public var description: String { "\(rows)x\(columns)" }
}
