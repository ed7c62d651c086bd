import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A text map file read in windows of whole lines, so that a file of several GB is parsed without holding its text:
/// the header from the first bytes (``head(maxBytes:)``), then the data lines window by window
/// (``forEachWindow(from:firstLine:decimalCommas:_:)``), each window a ``TextBuffer`` whose line numbers count from
/// the start of the file.
struct TextFileWindows {
    /// Bytes read per window unless told otherwise: whole lines; a line longer than this is refused.
    static let defaultWindowBytes = 8 << 20

    let path: String
    /// Bytes read per window.
    let windowBytes: Int
    /// The file's size in bytes when it was opened.
    let size: Int
    private let descriptor: FileDescriptor

    init(path: String, windowBytes: Int = defaultWindowBytes) throws(MapFileError) {
        self.path = path
        self.windowBytes = max(windowBytes, 2)
        guard FileManager.default.fileExists(atPath: path) else { throw .cannotOpen(path: path, reason: "no such file") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        var st = stat()
        guard fd >= 0, fstat(fd, &st) == 0 else {
            if fd >= 0 { close(fd) }
            throw .cannotOpen(path: path, reason: "not readable")
        }
        descriptor = FileDescriptor(fd)
        guard st.st_mode & S_IFMT != S_IFDIR else { throw .cannotOpen(path: path, reason: "it is a folder, not a map file") }
        size = Int(st.st_size)
    }

    /// The whole lines within the file's first `maxBytes` bytes (all of a shorter file: ``TextBuffer/init(path:)``).
    func head(maxBytes: Int) throws(MapFileError) -> TextBuffer {
        var (bytes, got) = try read(at: 0, count: min(maxBytes, size))
        if maxBytes >= size && got != size {
            throw .cannotOpen(path: path, reason: "not readable (the file changed size while it was read)")
        }
        if got < size, let nl = bytes.lastIndex(of: 10) { bytes.removeSubrange((nl + 1)...) }
        bytes.append(0)  // within the room read(after:at:count:) left: no copy
        return TextBuffer(path: path, bytes: bytes, lineOffset: 0)
    }

    /// Calls `body` with each window of whole lines from byte `offset` (line `firstLine`, 0-based) to the end of the
    /// file, in file order. With `decimalCommas`, every comma is read as a decimal point (see ``CtfFile``).
    func forEachWindow(
        from offset: Int, firstLine: Int, decimalCommas: Bool = false, _ body: (TextBuffer) throws(MapFileError) -> Void
    ) throws(MapFileError) {
        // each window is read into its own array (after the part line the last one left), so that it becomes the
        // window's text without a copy; only the part line is carried over
        var carried: [UInt8] = []
        var position = offset, line = firstLine
        while true {
            var (bytes, got) = try read(after: carried, at: position, count: windowBytes - carried.count)
            position += got
            let total = carried.count + got
            if total == 0 { return }
            let atEnd = got == 0 || position >= size
            var cut = total
            if !atEnd {
                guard let nl = bytes[..<total].lastIndex(of: 10) else {
                    throw .malformed(path: path, line: line + 1, message: "a line longer than \(windowBytes) bytes: not a map's data line")
                }
                cut = nl + 1
            }
            carried = Array(bytes[cut..<total])
            bytes.removeSubrange(cut...)
            bytes.append(0)  // within the room read(after:at:count:) left: no copy
            if decimalCommas { TextBuffer.readCommasAsPoints(&bytes) }
            let window = TextBuffer(path: path, bytes: bytes, lineOffset: line)
            try body(window)
            line += window.lineCount
            if atEnd && carried.isEmpty { return }
        }
    }

    /// A new array: `prefix`, then up to `count` bytes of the file from offset `at`, with room for one byte more
    /// (the closing NUL); the bytes are read straight into it. Returns the array and how many bytes were read.
    private func read(after prefix: [UInt8] = [], at: Int, count: Int) throws(MapFileError) -> (bytes: [UInt8], got: Int) {
        var done = 0
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: prefix.count + count + 1) { out, initialized in
            prefix.withUnsafeBufferPointer { c in
                if let base = c.baseAddress { out.baseAddress!.update(from: base, count: c.count) }
            }
            let start = out.baseAddress! + prefix.count
            while done < count {
                let n = pread(descriptor.fd, start + done, count - done, off_t(at + done))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = errno }
                if n <= 0 { break }
                done += n
            }
            initialized = prefix.count + done
        }
        if failure != 0 { throw .cannotOpen(path: path, reason: "read failed (\(String(cString: strerror(failure))))") }
        return (bytes, done)
    }
}

/// An open file descriptor, closed when the last copy of its owner goes.
private final class FileDescriptor: Sendable {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}
