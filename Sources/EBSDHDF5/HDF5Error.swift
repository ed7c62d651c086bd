/// Errors of HDF5 files, naming the file and the dataset or group path inside it.
public enum HDF5Error: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case missing(path: String, object: String)
    case malformed(path: String, object: String, message: String)
    case writeFailed(path: String, object: String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "\(p): cannot open: \(r)"
        case .missing(let p, let o): return "\(p): dataset or group '\(o)' is missing"
        case .malformed(let p, let o, let m): return "\(p): '\(o)': \(m)"
        case .writeFailed(let p, let o): return "\(p): cannot write '\(o)'"
        }
    }
}
