import CMalloc

/// How a process's allocator treats large freed blocks.
///
/// By default glibc returns every block above a few MB to the kernel when it is freed (`munmap`), so the next
/// large array a step allocates is fresh memory that the kernel must zero page by page; on virtual machines each
/// first touch also costs the hypervisor's work. A 16 M-point map chain allocates and frees ~13 GB of such arrays:
/// on the 2-core VMs this project is measured on, 56 s of a 110 s run were page faults (`/usr/bin/time`: 3.3 M
/// minor faults). ``keepFreedMemory()`` makes large blocks come from the heap and stay there once freed, to be
/// reused without faults (that run: 80 s, 0.67 M faults, peak RSS 2.2 → 2.7 GB). For command-line tools that run
/// one job and exit; a library caller's process keeps its own allocator settings.
public enum HeapPolicy {
    /// Free memory at the top of the heap above this many bytes is given back to the kernel.
    public static let trimThresholdBytes: Int32 = Int32.max
    /// Extra bytes the heap grows by each time it must grow (fewer, larger growths).
    public static let growthPadBytes: Int32 = 256 << 20

    /// Large blocks from the heap instead of their own mappings; freed memory kept for reuse. Returns false where the
    /// allocator is not glibc's (nothing changed).
    @discardableResult
    public static func keepFreedMemory() -> Bool {
        #if os(Linux)
            return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, trimThresholdBytes) == 1
                && mallopt(M_TOP_PAD, growthPadBytes) == 1
        #else
            return false
        #endif
    }
}
