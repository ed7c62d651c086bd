/// Errors of HDF5 files, naming the file and the dataset or group path inside it.
public enum HDF5Error: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case missing(path: String, object: String)
    case malformed(path: String, object: String, message: String)
    case writeFailed(path: String, object: String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, _), .missing(let p, _), .malformed(let p, _, _), .writeFailed(let p, _): return "\(p): \(detail)"
        }
    }

    /// The message without the file's path in front, for an error of a reader that names the file itself.
    public var detail: String {
        switch self {
        case .cannotOpen(_, let r): return "cannot open: \(r)"
        case .missing(_, let o): return "dataset or group '\(o)' is missing"
        case .malformed(_, let o, let m): return "'\(o)': \(m)"
        case .writeFailed(_, let o): return "cannot write '\(o)'"
        }
    }
}
