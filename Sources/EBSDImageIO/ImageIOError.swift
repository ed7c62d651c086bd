import EBSDCore
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

/// A temporary path beside `path` for write-then-rename (``EBSDCore/AtomicFile``).
func temporaryPath(for path: String) -> String { AtomicFile.temporaryPath(for: path) }

/// Puts a finished temporary file in place of `path`, atomically.
func commit(_ tmp: String, to path: String) throws(ImageIOError) {
    do { try AtomicFile.commit(tmp, to: path) } catch { throw .writeFailed(path: path, reason: error.reason) }
}

/// The error of a writer whose library reported only failure: the temporary file removed, the reason diagnosed.
func writeFailure(_ tmp: String, path: String) -> ImageIOError {
    AtomicFile.discard(tmp)
    return .writeFailed(path: path, reason: AtomicFile.problem(writing: path))
}
