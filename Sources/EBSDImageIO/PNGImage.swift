import Foundation
import CImageShims

/// An 8-bit PNG image (gray or RGB), rows top to bottom, read and written
/// through libpng's simplified `png_image` API.
public struct PNGImage: Sendable {
    public var width: Int
    public var height: Int
    /// 1 (gray) or 3 (RGB).
    public var channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3 || channels == 4)
        precondition(pixels.count == width * height * channels)
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Reads any PNG converted to gray (channels 1) or RGB (channels 3); with `channels` nil, as the file holds it:
    /// gray for a gray PNG, RGB for a colour one (alpha dropped).
    public static func read(_ path: String, channels: Int? = 1) throws(ImageIOError) -> PNGImage {
        guard FileManager.default.fileExists(atPath: path) else { throw .cannotOpen(path: path, reason: "no such file") }
        var w: UInt32 = 0, h: UInt32 = 0, colour: Int32 = 0
        var err = [CChar](repeating: 0, count: 256)
        if ebsd_png_read_size(path, &w, &h, &colour, &err, 256) != 0 {
            throw .malformed(path: path, page: nil, message: String(cString: err))
        }
        let channels = channels ?? (colour != 0 ? 3 : 1)
        var buf = [UInt8](repeating: 0, count: Int(w) * Int(h) * channels)
        let rc = buf.withUnsafeMutableBufferPointer { ebsd_png_read(path, Int32(channels), $0.baseAddress, $0.count, &err, 256) }
        if rc != 0 { throw .malformed(path: path, page: nil, message: String(cString: err)) }
        return PNGImage(width: Int(w), height: Int(h), channels: channels, pixels: buf)
    }

    /// Whether the PNG at `path` holds 16-bit samples.
    public static func is16Bit(_ path: String) throws(ImageIOError) -> Bool {
        var err = [CChar](repeating: 0, count: 256)
        let r = ebsd_png_is_16bit(path, &err, 256)
        if r < 0 { throw .malformed(path: path, page: nil, message: String(cString: err)) }
        return r == 1
    }

    /// A 16-bit PNG's samples unchanged, as gray (colour files: RGB, `channels` 3), row-major.
    public static func read16(_ path: String) throws(ImageIOError) -> (width: Int, height: Int, channels: Int, pixels: [UInt16]) {
        var w: UInt32 = 0, h: UInt32 = 0, colour: Int32 = 0
        var err = [CChar](repeating: 0, count: 256)
        if ebsd_png_read_size(path, &w, &h, &colour, &err, 256) != 0 {
            throw .malformed(path: path, page: nil, message: String(cString: err))
        }
        let channels = colour != 0 ? 3 : 1
        var buf = [UInt16](repeating: 0, count: Int(w) * Int(h) * channels)
        let rc = buf.withUnsafeMutableBufferPointer { ebsd_png_read16(path, Int32(channels), $0.baseAddress, $0.count, &err, 256) }
        if rc != 0 { throw .malformed(path: path, page: nil, message: String(cString: err)) }
        return (Int(w), Int(h), channels, buf)
    }

    /// The PNG file's bytes, encoded in memory (e.g. for an HTTP answer).
    public func encoded() throws(ImageIOError) -> [UInt8] {
        var err = [CChar](repeating: 0, count: 256)
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        let rc = pixels.withUnsafeBufferPointer {
            ebsd_png_encode(UInt32(width), UInt32(height), Int32(channels), $0.baseAddress, &out, &length, &err, 256)
        }
        guard rc == 0, let out else { throw .malformed(path: "(PNG in memory)", page: nil, message: String(cString: err)) }
        defer { free(out) }
        return Array(UnsafeBufferPointer(start: out, count: length))
    }

    /// Writes through a temporary file and a rename.
    public func write(to path: String) throws(ImageIOError) {
        let tmp = temporaryPath(for: path)
        var err = [CChar](repeating: 0, count: 256)
        let rc = pixels.withUnsafeBufferPointer {
            ebsd_png_write(tmp, UInt32(width), UInt32(height), Int32(channels), $0.baseAddress, &err, 256)
        }
        if rc != 0 { throw writeFailure(tmp, path: path) }
        try commit(tmp, to: path)
    }
}
