import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a file so that its path holds either the previous file or the complete new one, never a part: the bytes go
/// to a temporary file beside it (same folder, so the same file system), flushed to the device, then renamed over the
/// path (rename(2) is atomic). On any failure the temporary file is removed and the previous file is untouched.
/// Failures are told as a user reads them (``problem(writing:errno:)``): the path is a folder, the folder is missing,
/// read-only or not writable, the device is full.
public enum AtomicFile {
    /// Below this many free bytes a failed write is put down to a full device.
    public static let fullDeviceBytes: UInt64 = 1 << 20

    /// A temporary path beside `path` (hidden, unique to this process and call).
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
    }

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws(AtomicFileError) {
        try write(to: path) { (put: (UnsafeRawBufferPointer) -> Bool) in
            data.withUnsafeBytes { raw in _ = put(raw) }
        }
    }

    /// Writes `path` atomically from the pieces `body` hands to `put` (which returns false once a write failed; the
    /// failure is then reported for the whole file). `durable`: flushed to the device before the rename (fsync); a
    /// file written without it is whole or absent after the process is killed, but a power cut may leave it damaged,
    /// so its reader must check it (a checksum).
    public static func write(
        to path: String, durable: Bool = true, _ body: (_ put: (UnsafeRawBufferPointer) -> Bool) -> Void
    ) throws(AtomicFileError) {
        if let p = problemBefore(writing: path) { throw AtomicFileError(path: path, reason: p) }
        let tmp = temporaryPath(for: path)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AtomicFileError(path: path, reason: problem(writing: path, errno: errno)) }
        var failure: Int32 = 0
        body { raw in
            guard failure == 0 else { return false }
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return false
                }
                offset += n
            }
            return true
        }
        if failure == 0, durable, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        guard failure == 0 else {
            unlink(tmp)
            throw AtomicFileError(path: path, reason: problem(writing: path, errno: failure))
        }
        try commit(tmp, to: path)
    }

    /// Renames a finished temporary file over `path`; on failure removes it and says why.
    public static func commit(_ temporary: String, to path: String) throws(AtomicFileError) {
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw AtomicFileError(path: path, reason: problem(writing: path, errno: code))
        }
    }

    /// Removes a temporary file a failed write left (nothing when there is none).
    public static func discard(_ temporary: String) { unlink(temporary) }

    /// What stops writing `path` before anything is written: it is a folder, or its folder does not exist.
    public static func problemBefore(writing path: String) -> String? {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { return "it is a folder" }
        let dir = folder(of: path)
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
            return "the folder \(dir) does not exist"
        }
        return nil
    }

    /// Why writing `path` failed (`errno code`, 0 when unknown, e.g. from a library that reports only failure).
    public static func problem(writing path: String, errno code: Int32 = 0) -> String {
        if let p = problemBefore(writing: path) { return p }
        let dir = folder(of: path)
        var fs = statvfs()
        let stated = statvfs(dir, &fs) == 0
        if code == EROFS || (stated && fs.f_flag & UInt(ST_RDONLY) != 0) { return "the file system of \(dir) is read-only" }
        let free = stated ? UInt64(fs.f_bavail) * UInt64(fs.f_frsize) : UInt64.max
        if code == ENOSPC || code == EDQUOT || (code == 0 && free < fullDeviceBytes) {
            let shown = ByteCountFormatter.string(fromByteCount: Int64(min(free, UInt64(Int64.max))), countStyle: .file)
            return "no space left on the device (\(shown) free)"
        }
        if code == EACCES || code == EPERM || access(dir, W_OK) != 0 { return "the folder \(dir) is not writable" }
        return code == 0 ? "the write failed" : String(cString: strerror(code))
    }

    static func folder(of path: String) -> String {
        let d = (path as NSString).deletingLastPathComponent
        return d.isEmpty ? "." : d
    }
}

/// A file that could not be written: its path and why (``AtomicFile/problem(writing:errno:)``).
public struct AtomicFileError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): cannot write: \(reason)" }
}
