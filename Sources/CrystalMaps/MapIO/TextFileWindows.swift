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
        let n = min(maxBytes, size)
        var bytes = [UInt8](repeating: 0, count: n + 1)  // room for the closing NUL: no copy to add it
        let got = try read(into: &bytes, at: 0, count: n)
        if maxBytes >= size && got != size {
            throw .cannotOpen(path: path, reason: "not readable (the file changed size while it was read)")
        }
        var end = got
        if got < size, let nl = bytes[..<got].lastIndex(of: 10) { end = nl + 1 }
        bytes[end] = 0
        bytes.removeSubrange((end + 1)...)
        return TextBuffer(path: path, bytes: bytes, lineOffset: 0)
    }

    /// Calls `body` with each window of whole lines from byte `offset` (line `firstLine`, 0-based) to the end of the
    /// file, in file order. With `decimalCommas`, every comma is read as a decimal point (see ``CtfFile``).
    func forEachWindow(
        from offset: Int, firstLine: Int, decimalCommas: Bool = false, _ body: (TextBuffer) throws(MapFileError) -> Void
    ) throws(MapFileError) {
        var storage = [UInt8](repeating: 0, count: windowBytes)
        var carried = 0, position = offset, line = firstLine
        while true {
            let got = try read(into: &storage, at: position, count: windowBytes - carried, storageOffset: carried)
            position += got
            let total = carried + got
            if total == 0 { return }
            let atEnd = got == 0 || position >= size
            var cut = total
            if !atEnd {
                guard let nl = storage[..<total].lastIndex(of: 10) else {
                    throw .malformed(path: path, line: line + 1, message: "a line longer than \(windowBytes) bytes: not a map's data line")
                }
                cut = nl + 1
            }
            var bytes = [UInt8](unsafeUninitializedCapacity: cut + 1) { out, initialized in
                storage.withUnsafeBufferPointer { s in out.baseAddress!.update(from: s.baseAddress!, count: cut) }
                out[cut] = 0
                initialized = cut + 1
            }
            if decimalCommas {
                for i in 0..<cut where bytes[i] == UInt8(ascii: ",") { bytes[i] = UInt8(ascii: ".") }
            }
            let window = TextBuffer(path: path, bytes: bytes, lineOffset: line)
            try body(window)
            line += window.lineCount
            carried = total - cut
            if carried > 0 {
                storage.withUnsafeMutableBufferPointer { s in
                    s.baseAddress!.update(from: s.baseAddress! + cut, count: carried)
                }
            }
            if atEnd && carried == 0 { return }
        }
    }

    /// Reads up to `count` bytes at file offset `at` into `buffer` from `storageOffset`; returns how many were read.
    private func read(into buffer: inout [UInt8], at: Int, count: Int, storageOffset: Int = 0) throws(MapFileError) -> Int {
        var done = 0
        var failed = false
        buffer.withUnsafeMutableBufferPointer { b in
            while done < count {
                let n = pread(descriptor.fd, b.baseAddress! + storageOffset + done, count - done, off_t(at + done))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failed = true }
                if n <= 0 { break }
                done += n
            }
        }
        if failed { throw .cannotOpen(path: path, reason: "read failed (\(String(cString: strerror(errno))))") }
        return done
    }
}

/// An open file descriptor, closed when the last copy of its owner goes.
private final class FileDescriptor: Sendable {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}
