import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An advisory lock on an output folder, held while a run writes into it, so that two runs never interleave their
/// maps and reports: `flock(2)` on the file ``fileName`` in the folder, which names the holder (pid, host, start time).
/// The kernel drops the lock when its process ends in any way (kill -9, a job's time limit, a crash), so a lock left
/// by a killed run is simply taken over; ``previousHolder`` then says whose it was (the file was not emptied, as a run
/// that ends normally empties it).
public final class OutputFolderLock {
    /// The lock file inside the output folder.
    public static let fileName = ".ebsd-lock"
    /// What the lock file said when this run took it over from a run that ended without releasing it, or nil.
    public let previousHolder: String?
    private let descriptor: Int32

    /// Takes the lock of `folder` (made if missing), or throws naming the run that holds it.
    public init(folder: String) throws(OutputFolderLockError) {
        let path = (folder as NSString).appendingPathComponent(Self.fileName)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw OutputFolderLockError("\(folder): cannot make the output folder (\(Self.reason(error)))")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputFolderLockError("\(path): cannot open the lock file (\(String(cString: strerror(errno))))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let holder = Self.contents(fd)
            close(fd)
            guard busy else { throw OutputFolderLockError("\(path): cannot lock (\(String(cString: strerror(errno))))") }
            throw OutputFolderLockError(
                "\(folder) is in use by another ebsd run (\(holder.isEmpty ? "holder unknown" : holder)); wait for it to finish, "
                    + "or choose another output folder")
        }
        let old = Self.contents(fd)
        previousHolder = old.isEmpty ? nil : old
        descriptor = fd
        let me = "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), started \(ISO8601DateFormatter().string(from: Date()))"
        _ = ftruncate(fd, 0)
        _ = me.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// Empties the lock file (a clean end) and releases the lock.
    deinit {
        _ = ftruncate(descriptor, 0)
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    static func contents(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = pread(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
    }

    static func reason(_ error: Error) -> String {
        ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription ?? error.localizedDescription
    }
}

/// An output folder that cannot be locked: held by another run, or not writable; the message says which.
public struct OutputFolderLockError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
