import Foundation

/// Errors of the image readers and writers, naming the file (and page).
public enum ImageIOError: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case malformed(path: String, page: Int?, message: String)
    case writeFailed(path: String, reason: String)
    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "\(p): cannot open: \(r)"
        case .malformed(let p, let page, let m): return page.map { "\(p): page \($0): \(m)" } ?? "\(p): \(m)"
        case .writeFailed(let p, let r): return "\(p): cannot write: \(r)"
        }
    }
}

/// A temporary path beside `path` for write-then-rename.
func temporaryPath(for path: String) -> String {
    let url = URL(fileURLWithPath: path)
    return url.deletingLastPathComponent().appendingPathComponent(
        ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    ).path
}

func commit(_ tmp: String, to path: String) throws(ImageIOError) {
    if rename(tmp, path) != 0 {
        let reason = String(cString: strerror(errno))
        unlink(tmp)
        throw .writeFailed(path: path, reason: reason)
    }
}
