/// A request the viewer answers, parsed from a URL path below its token (`/TOKEN/…`); anything else is ``notFound``.
/// Parsing never touches the file system: every answer is made from the opened map and stack.
public enum ViewerRequest: Sendable, Equatable {
    /// The page.
    case page
    /// The map's description (size, layers, phases, whether patterns are shown and why not).
    case info
    /// A tile of a layer (`/tile/LAYER/LEVEL/X/Y.png`, `/tile/LAYER/LEVEL/X/Y-b.png` with boundaries).
    case tile(layer: String, level: Int, x: Int, y: Int, boundaries: Bool)
    /// A point's record (`/api/point/INDEX`).
    case point(Int)
    /// A point's patterns as PNG data URLs with bands and NCC (`/api/patterns/INDEX`).
    case patterns(Int)
    /// A grain's record with its average pattern (`/api/grain/ID`).
    case grain(Int)
    case notFound

    /// Parses `path` (already %-decoded, starting after the token, e.g. `/api/point/12`).
    public init(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        func number(_ s: String) -> Int? {
            guard !s.isEmpty, s.count <= Self.maximumDigits, s.allSatisfy(\.isASCII), let n = Int(s), n >= 0 else { return nil }
            return n
        }
        switch parts.count {
        case 1 where parts[0].isEmpty || parts[0] == "index.html": self = .page
        case 2 where parts == ["api", "info"]: self = .info
        case 3 where parts[0] == "api":
            guard let n = number(parts[2]) else {
                self = .notFound
                return
            }
            switch parts[1] {
            case "point": self = .point(n)
            case "patterns": self = .patterns(n)
            case "grain": self = .grain(n)
            default: self = .notFound
            }
        case 5 where parts[0] == "tile" && parts[4].hasSuffix(".png"):
            var last = String(parts[4].dropLast(4))
            let boundaries = last.hasSuffix("-b")
            if boundaries { last.removeLast(2) }
            guard !parts[1].isEmpty, let level = number(parts[2]), let x = number(parts[3]), let y = number(last) else {
                self = .notFound
                return
            }
            self = .tile(layer: parts[1], level: level, x: x, y: y, boundaries: boundaries)
        default: self = .notFound
        }
    }

    /// Longer numbers are not points, grains or tiles of any map.
    static let maximumDigits = 12
}
