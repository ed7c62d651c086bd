import Foundation
import EBSDImageIO

/// An 8-bit RGB raster of a map (rectangles only: no text — figures are drawn with cairo by the Figures module);
/// rows top to bottom.
public struct RGBImage: Sendable {
    public var width: Int, height: Int
    public var pixels: [UInt8]
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            pixels[3 * i] = fill.0
            pixels[3 * i + 1] = fill.1
            pixels[3 * i + 2] = fill.2
        }
    }
    @inlinable public mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let o = 3 * (y * width + x)
        pixels[o] = c.0
        pixels[o + 1] = c.1
        pixels[o + 2] = c.2
    }
    public mutating func fillRect(x: Int, y: Int, w: Int, h: Int, _ c: (UInt8, UInt8, UInt8)) {
        let y0 = max(0, y), y1 = min(height, y + h), x0 = max(0, x), x1 = min(width, x + w)
        guard y0 < y1, x0 < x1 else { return }
        for yy in y0..<y1 { for xx in x0..<x1 { set(xx, yy, c) } }
    }
    /// Writes an 8-bit PNG (temp file + rename).
    public func writePNG(_ path: String) throws(ImageIOError) {
        try PNGImage(width: width, height: height, channels: 3, pixels: pixels).write(to: path)
    }
    /// Writes a 16-bit RGB TIFF (values scaled ×257).
    public func writeTIFF16(_ path: String) throws(ImageIOError) {
        try TIFFWriter.writeRGB16(path, width: width, height: height, rgb: pixels.map { UInt16($0) * 257 })
    }
}
