import Foundation
import EBSDImageIO

/// Errors of the pattern-stack readers, naming the file and, where known,
/// the pattern (0-based, scan order) or the image.
public enum PatternStackError: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case malformed(path: String, pattern: Int?, message: String)
    case shapeMismatch(path: String, message: String)
    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "\(p): cannot open: \(r)"
        case .malformed(let p, let k, let m): return k.map { "\(p): pattern \($0): \(m)" } ?? "\(p): \(m)"
        case .shapeMismatch(let p, let m): return "\(p): \(m)"
        }
    }
}
