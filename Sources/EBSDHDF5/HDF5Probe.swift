import CHDF5Shims
import Foundation

/// The guard in front of every HDF5 file this library opens for reading: libhdf5 (Debian 1.10.8) itself crashes or
/// exhausts memory on some damaged files, inside its own traversal of their groups and heaps, before any reader sees
/// a value (Fuzz/README.md: two SIGSEGVs under `H5Lexists`, one in `H5HG_read`, one runaway allocation). So the file is
/// first walked by a forked child (C only: libc and libhdf5) limited to ``memoryBytes`` more address space and
/// ``seconds``: every link, every attribute and every small variable-length string, which is what the readers touch.
/// A child that crashes, runs out of time or memory, or meets errors walking the structure means the file is refused
/// with one line; only then does this process open it. A file is probed once per process while its size and
/// modification time stay the same (stacks are read chunk by chunk). The fork happens under ``HDF5File/libraryLock``,
/// so no other thread is inside libhdf5 when it does.
public enum HDF5Probe {
    /// Address space the child may add to what this process has mapped.
    public static let memoryBytes: UInt64 = 2 << 30
    /// Time the child may take.
    public static let seconds: UInt32 = 30

    struct Key: Hashable {
        let path: String, size: UInt64, modified: Double
    }

    /// Files that passed, kept under the library lock.
    nonisolated(unsafe) static var passed = Set<Key>()

    /// Refuses `path` when libhdf5 cannot walk it safely; returns at once for a file that passed before. Returns the
    /// seconds the child took (0 for a file that passed before).
    @discardableResult
    public static func check(_ path: String) throws(HDF5Error) -> Double {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let key = Key(
            path: path, size: (attributes?[.size] as? NSNumber)?.uint64Value ?? 0,
            modified: (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        var signal: Int32 = 0
        if HDF5File.locked({ passed.contains(key) }) { return 0 }
        // forked under the lock (no thread inside libhdf5 at that instant), waited for without it
        let t0 = Date()
        let child = HDF5File.locked { ebsd_h5_probe_start(path, addressSpace() + memoryBytes, seconds) }
        let outcome = ebsd_h5_probe_wait(child, &signal)
        let took = Date().timeIntervalSince(t0)
        if outcome == Int32(EBSD_PROBE_OK) { HDF5File.locked { _ = passed.insert(key) } }
        let limits = "\(memoryBytes >> 30) GB and \(seconds) s"
        switch outcome {
        case Int32(EBSD_PROBE_OK), Int32(EBSD_PROBE_NOT_RUN), Int32(EBSD_PROBE_NOT_HDF5):
            return took  // not run: no process could be made; not HDF5: the open that follows says so
        case Int32(EBSD_PROBE_CRASHED):
            throw .cannotOpen(
                path: path,
                reason: "a damaged HDF5 file: libhdf5 crashed (signal \(signal)) walking its groups and heaps (checked in a separate "
                    + "process limited to \(limits))")
        case Int32(EBSD_PROBE_TIMEOUT):
            throw .cannotOpen(path: path, reason: "a damaged HDF5 file: libhdf5 did not finish walking its groups within \(limits)")
        default:
            throw .cannotOpen(
                path: path,
                reason: "a damaged HDF5 file: libhdf5 reports errors walking its groups and heaps (or needs more than \(limits))")
        }
    }

    /// The address space this process has mapped (bytes), from /proc/self/statm.
    static func addressSpace() -> UInt64 {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = text.split(separator: " ").first.flatMap({ UInt64($0) })
        else { return 8 << 30 }
        return pages * UInt64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
