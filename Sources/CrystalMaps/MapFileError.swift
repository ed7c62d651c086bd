import Foundation
import Crystallography

/// Errors of the map readers and writers; each message names the file and,
/// where known, the line or record, on one line.
public enum MapFileError: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case malformed(path: String, line: Int?, message: String)
    case unsupported(path: String, message: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "\(p): cannot open: \(r)"
        case .malformed(let p, let l, let m): return l.map { "\(p):\($0): \(m)" } ?? "\(p): \(m)"
        case .unsupported(let p, let m): return "\(p): unsupported: \(m)"
        case .writeFailed(let p, let r): return "\(p): cannot write: \(r)"
        }
    }
}
