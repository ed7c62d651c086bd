import EBSDCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A whole text file as bytes (NUL-terminated) with its line starts, for
/// fast, allocation-free parsing of large maps. Lines end at `\n`; a
/// trailing `\r` is treated as white space.
struct TextBuffer {
    let path: String
    let bytes: [UInt8]
    /// Start offset of each line; the line ends before the next start (or the end).
    let lineStarts: [Int]
    /// Lines of the file before this text (a window of a file read in parts); error messages count from the file's start.
    let lineOffset: Int

    /// The whole file.
    init(path: String) throws(MapFileError) {
        self = try TextFileWindows(path: path).head(maxBytes: Int.max)
    }

    /// Text already in memory: `bytes` NUL-terminated, the first line being line `lineOffset` (0-based) of `path`.
    init(path: String, bytes: [UInt8], lineOffset: Int = 0) {
        self.path = path
        self.bytes = bytes
        self.lineStarts = Self.lineStarts(of: bytes)
        self.lineOffset = lineOffset
    }

    private init(path: String, bytes: [UInt8], lineStarts: [Int], lineOffset: Int) {
        self.path = path
        self.bytes = bytes
        self.lineStarts = lineStarts
        self.lineOffset = lineOffset
    }

    /// Where the lines of NUL-terminated `bytes` start (a last empty line after a final line break is not a line).
    static func lineStarts(of bytes: [UInt8]) -> [Int] {
        var starts = [0]
        starts.reserveCapacity(bytes.count / 40 + 1)
        bytes.withUnsafeBufferPointer { p in
            let base = p.baseAddress!, end = p.count - 1
            var i = 0
            while i < end, let hit = memchr(base + i, 10, end - i) {
                i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
                starts.append(i)
            }
        }
        if let last = starts.last, last >= bytes.count - 1 { starts.removeLast() }
        return starts
    }

    /// The same text with every comma a decimal point: for files written with decimal commas (European locales),
    /// whose fields are separated by tabs or semicolons, so a comma can only be a decimal separator in a number.
    func replacingDecimalCommas() -> TextBuffer {
        var b = bytes
        Self.readCommasAsPoints(&b)
        return TextBuffer(path: path, bytes: b, lineStarts: lineStarts, lineOffset: lineOffset)
    }

    /// Every comma in `bytes` made a decimal point (see ``replacingDecimalCommas()``).
    static func readCommasAsPoints(_ bytes: inout [UInt8]) {
        for i in bytes.indices where bytes[i] == UInt8(ascii: ",") { bytes[i] = UInt8(ascii: ".") }
    }

    var lineCount: Int { lineStarts.count }
    func lineEnd(_ i: Int) -> Int { i + 1 < lineStarts.count ? lineStarts[i + 1] - 1 : bytes.count - 1 }

    /// The line as a String without the line break (for headers).
    func line(_ i: Int) -> String {
        var e = lineEnd(i)
        let s = lineStarts[i]
        while e > s && (bytes[e - 1] == 13 || bytes[e - 1] == 10) { e -= 1 }
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }

    /// Parses `lines` (line indices) as rows of exactly `ncol` numbers, in
    /// parallel; the first bad line (in file order) is reported with its
    /// 1-based line number in the file. `describe` names the expected columns in errors.
    func parseTable(lines: [Int], columns ncol: Int, describe: String = "") throws(MapFileError) -> [Double] {
        let n = lines.count
        var values = [Double](repeating: 0, count: n * ncol)
        var bad = (line: Int.max, got: 0)
        let lock = NSLock()
        bytes.withUnsafeBufferPointer { bp in
            let base = bp.baseAddress!
            values.withUnsafeMutableBufferPointer { vp in
                let out = UncheckedPointer(vp.baseAddress!)
                parallelChunks(count: n) { range in
                    for k in range {
                        let l = lines[k]
                        let s = lineStarts[l], e = lineEnd(l)
                        let fields = countFields(base, from: s, to: e)
                        let got = fields != ncol ? fields : parseNumbers(base, from: s, to: e, into: out.p + k * ncol, max: ncol)
                        if got != ncol {
                            lock.lock()
                            if l < bad.line { bad = (l, got) }
                            lock.unlock()
                            return
                        }
                    }
                }
            }
        }
        if bad.line != Int.max {
            let msg =
                bad.got < 0
                ? "field \(-bad.got) is not a number"
                : "expected \(ncol) columns\(describe.isEmpty ? "" : " (\(describe))"), found \(bad.got)"
            throw .malformed(path: path, line: lineOffset + bad.line + 1, message: msg)
        }
        return values
    }

    /// First non-blank byte of a line, or nil for a blank line.
    func firstByte(_ i: Int) -> UInt8? {
        var j = lineStarts[i]
        let e = lineEnd(i)
        while j < e, bytes[j] == 32 || bytes[j] == 9 || bytes[j] == 13 || bytes[j] == 10 { j += 1 }
        return j < e ? bytes[j] : nil
    }
}

/// Parses numbers separated by blanks, tabs or a given separator from a byte
/// range. Decimal notation with optional sign, fraction and exponent; `nan`
/// and `inf` are accepted.
@inline(__always)
func parseNumbers(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, into out: UnsafeMutablePointer<Double>, max n: Int) -> Int {
    var i = start
    var count = 0
    while count < n {
        while i < end, p[i] == 32 || p[i] == 9 || p[i] == 13 || p[i] == 10 || p[i] == 44 || p[i] == 59 { i += 1 }
        if i >= end { break }
        guard let v = parseDouble(p, &i, end) else { return -(count + 1) }
        out[count] = v
        count += 1
    }
    return count
}

/// Counts the fields in a byte range.
func countFields(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
    var i = start, count = 0
    while i < end {
        while i < end, p[i] == 32 || p[i] == 9 || p[i] == 13 || p[i] == 10 { i += 1 }
        if i >= end { break }
        count += 1
        while i < end, !(p[i] == 32 || p[i] == 9 || p[i] == 13 || p[i] == 10) { i += 1 }
    }
    return count
}

private let pow10: [Double] = (0...22).map { pow(10.0, Double($0)) }

@inline(__always)
func parseDouble(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> Double? {
    var neg = false
    if p[i] == 45 {
        neg = true
        i += 1
    } else if p[i] == 43 {
        i += 1
    }
    guard i < end else { return nil }
    let c0 = p[i] | 0x20
    if c0 == 110 || c0 == 105 {  // nan / inf
        var j = i
        while j < end, (p[j] | 0x20) >= 97 && (p[j] | 0x20) <= 122 { j += 1 }
        let word = String(decoding: UnsafeBufferPointer(start: p + i, count: j - i), as: UTF8.self).lowercased()
        i = j
        if word == "nan" { return .nan }
        if word == "inf" || word == "infinity" { return neg ? -.infinity : .infinity }
        return nil
    }
    var mant: UInt64 = 0
    var digits = 0, exp10 = 0
    var sawDigit = false
    while i < end, p[i] >= 48 && p[i] <= 57 {
        if digits < 18 {
            mant = mant &* 10 &+ UInt64(p[i] - 48)
            if mant > 0 { digits += 1 }
        } else {
            exp10 += 1
        }
        i += 1
        sawDigit = true
    }
    if i < end, p[i] == 46 {
        i += 1
        while i < end, p[i] >= 48 && p[i] <= 57 {
            if digits < 18 {
                mant = mant &* 10 &+ UInt64(p[i] - 48)
                if mant > 0 { digits += 1 }
                exp10 -= 1
            }
            i += 1
            sawDigit = true
        }
    }
    guard sawDigit else { return nil }
    if i < end, p[i] | 0x20 == 101 {
        var j = i + 1
        var eneg = false
        if j < end, p[j] == 45 {
            eneg = true
            j += 1
        } else if j < end, p[j] == 43 {
            j += 1
        }
        var e = 0, any = false
        while j < end, p[j] >= 48 && p[j] <= 57 {
            e = min(e * 10 + Int(p[j] - 48), 10000)
            j += 1
            any = true
        }
        if any {
            i = j
            exp10 += eneg ? -e : e
        }
    }
    // the number must end at a separator
    if i < end, !(p[i] == 32 || p[i] == 9 || p[i] == 13 || p[i] == 44 || p[i] == 59 || p[i] == 10) { return nil }
    var v = Double(mant)
    if exp10 != 0 {
        if exp10 > 0 && exp10 <= 22 {
            v *= pow10[exp10]
        } else if exp10 < 0 && exp10 >= -22 {
            v /= pow10[-exp10]
        } else {
            v *= pow(10.0, Double(exp10))
        }
    }
    return neg ? -v : v
}

/// Appends a fixed-point decimal to a byte buffer (fast, locale-free, no allocation).
@inline(__always)
func appendFixed(_ buf: inout [UInt8], _ value: Double, decimals: Int) {
    if !value.isFinite {
        buf.append(contentsOf: Array(value.isNaN ? "NaN".utf8 : (value > 0 ? "inf".utf8 : "-inf".utf8)))
        return
    }
    let scaled = (abs(value) * pow10[decimals]).rounded()
    if scaled >= 9.2e18 {
        buf.append(contentsOf: Array(String(format: "%.\(decimals)f", value).utf8))
        return
    }
    if value < 0 && scaled > 0 { buf.append(45) }
    var n = UInt64(scaled)
    // digits, least significant first, into a small fixed buffer
    var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &tmp) { t in
        var k = 0
        repeat {
            t[k] = UInt8(48 + n % 10)
            n /= 10
            k += 1
        } while (n > 0 || k <= decimals) && k < 22
        var j = k - 1
        while j >= 0 {
            buf.append(t[j])
            if j == decimals && decimals > 0 { buf.append(46) }
            j -= 1
        }
    }
}

/// Writes data to `path` through ``EBSDCore/AtomicFile``: the destination is either the old file or the complete new one.
func writeAtomically(_ data: Data, to path: String) throws(MapFileError) {
    do { try AtomicFile.write(data, to: path) } catch { throw .writeFailed(path: path, reason: error.reason) }
}
