import Foundation

/// Minimal reader for uncompressed BMP (8-bit palette or 24/32-bit), converted to gray
/// (mean of the colour channels), rows top to bottom.
public enum BMPImage {
    public static func read(_ path: String) throws(ImageIOError) -> (rows: Int, columns: Int, pixels: [Float]) {
        guard let d = FileManager.default.contents(atPath: path) else { throw .cannotOpen(path: path, reason: "not readable") }
        guard d.count >= 54, d[0] == 0x42, d[1] == 0x4D else { throw .malformed(path: path, page: nil, message: "not a BMP file") }
        func u32(_ o: Int) -> Int { Int(d.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt32.self) }) }
        func i32(_ o: Int) -> Int { Int(d.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: Int32.self) }) }
        func u16(_ o: Int) -> Int { Int(d.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt16.self) }) }
        let offset = u32(10), dib = u32(14), w = i32(18), hRaw = i32(22), bpp = u16(28), comp = u32(30)
        guard comp == 0 || comp == 3, [8, 24, 32].contains(bpp), w > 0, hRaw != 0 else {
            throw .malformed(
                path: path, page: nil, message: "only uncompressed 8/24/32-bit BMP is supported (bits \(bpp), compression \(comp))")
        }
        let h = abs(hRaw), topDown = hRaw < 0
        let stride = ((w * bpp + 31) / 32) * 4
        guard offset + stride * h <= d.count else { throw .malformed(path: path, page: nil, message: "pixel data truncated") }
        var palette = [Float](repeating: 0, count: 256)
        if bpp == 8 {
            let pal = 14 + dib
            for i in 0..<256 where pal + 4 * i + 2 < offset {
                palette[i] = (Float(d[pal + 4 * i]) + Float(d[pal + 4 * i + 1]) + Float(d[pal + 4 * i + 2])) / 3
            }
        }
        var px = [Float](repeating: 0, count: w * h)
        for r in 0..<h {
            let src = offset + (topDown ? r : h - 1 - r) * stride
            for c in 0..<w {
                switch bpp {
                case 8: px[r * w + c] = palette[Int(d[src + c])]
                default:
                    let o = src + c * (bpp / 8)
                    px[r * w + c] = (Float(d[o]) + Float(d[o + 1]) + Float(d[o + 2])) / 3
                }
            }
        }
        return (h, w, px)
    }
}
