import Foundation
import CImageShims
import CTIFF

/// A multi-page TIFF read one page at a time (constant memory), with pages
/// of 8-bit or 16-bit unsigned integers or 32-bit floats, one sample per
/// pixel, converted to `Float`. Strips and tiles are both handled by libtiff.
public final class TIFFReader: @unchecked Sendable {
    public let path: String
    public let width: Int
    public let height: Int
    public let pageCount: Int
    /// The first page's ImageDescription tag, if any.
    public let description: String?
    let tif: OpaquePointer
    let lock = NSLock()
    var currentPage = 0

    public init(_ path: String) throws(ImageIOError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw .cannotOpen(path: path, reason: "no such file") }
        ebsd_tiff_quiet()
        // "m": no memory mapping, so resident memory stays flat while a large stack streams through.
        guard let t = TIFFOpen(path, "rm") else { throw .malformed(path: path, page: nil, message: "not a TIFF file") }
        tif = t
        var w: UInt32 = 0, h: UInt32 = 0
        ebsd_tiff_get_u32(t, UInt32(TIFFTAG_IMAGEWIDTH), &w)
        ebsd_tiff_get_u32(t, UInt32(TIFFTAG_IMAGELENGTH), &h)
        width = Int(w)
        height = Int(h)
        description = ebsd_tiff_get_string(t, UInt32(TIFFTAG_IMAGEDESCRIPTION)).map { String(cString: $0) }
        pageCount = Int(TIFFNumberOfDirectories(t))
        // (every stored property is set, so a throw from here on runs deinit, which closes the file)
        guard width > 0, height > 0 else { throw .malformed(path: path, page: 0, message: "image has zero size") }
        // Patterns and master patterns are at most a few thousand pixels a side; a header claiming
        // more than 2²⁶ pixels per page (8192 × 8192) is corrupt, and would be allocated before the read fails.
        guard width * height <= TIFFReader.maximumPixels else {
            throw .malformed(
                path: path, page: 0,
                message: "image of \(width) × \(height) pixels is not plausible (more than \(TIFFReader.maximumPixels) pixels per page)")
        }
    }

    /// The largest page this reader accepts (2²⁶ pixels).
    public static let maximumPixels = 1 << 26
    deinit { TIFFClose(tif) }

    /// Reads page `index` (0-based) as width × height floats, row-major.
    public func page(_ index: Int) throws(ImageIOError) -> [Float] { try pageAndColour(index).pixels }

    /// Reads page `index` as gray, and whether it held colour: 1 sample per pixel as it is; RGB or RGBA (8/16-bit,
    /// stored pixel by pixel) as its gray where the three channels are equal on every pixel (pattern exports copy the
    /// gray into each), else as the luminance 0.299 R + 0.587 G + 0.114 B with `colour` true. Alpha is ignored.
    public func pageAndColour(_ index: Int) throws(ImageIOError) -> (pixels: [Float], colour: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard index >= 0, index < pageCount else {
            throw .malformed(path: path, page: index, message: "no such page (file has \(pageCount))")
        }
        if index != currentPage {
            // Reading on sequentially is O(1); jumping goes through libtiff's directory index.
            let ok = index == currentPage + 1 ? TIFFReadDirectory(tif) == 1 : TIFFSetDirectory(tif, UInt32(index)) == 1
            guard ok else { throw .malformed(path: path, page: index, message: "cannot read this page's directory (truncated file?)") }
            currentPage = index
        }
        var w: UInt32 = 0, h: UInt32 = 0, bits: UInt16 = 8, fmt: UInt16 = 1, spp: UInt16 = 1
        ebsd_tiff_get_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), &w)
        ebsd_tiff_get_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), &h)
        ebsd_tiff_get_u16(tif, UInt32(TIFFTAG_BITSPERSAMPLE), &bits)
        ebsd_tiff_get_u16(tif, UInt32(TIFFTAG_SAMPLEFORMAT), &fmt)
        ebsd_tiff_get_u16(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), &spp)
        guard Int(w) == width, Int(h) == height else {
            throw .malformed(path: path, page: index, message: "size \(w)×\(h) differs from page 0 (\(width)×\(height))")
        }
        guard spp == 1 || (spp == 3 || spp == 4) && bits != 32 && TIFFIsTiled(tif) == 0 else {
            throw .malformed(
                path: path, page: index, message: "\(spp) samples per pixel; expected 1 (gray), or 3/4 (RGB/RGBA, 8/16-bit, in strips)")
        }
        let channels = Int(spp)
        let bytesPerPixel = Int(bits) / 8 * channels
        guard (bits == 8 || bits == 16) && fmt == 1 || bits == 32 && fmt == 3 else {
            throw .malformed(
                path: path, page: index, message: "\(bits)-bit sample format \(fmt); expected 8/16-bit unsigned or 32-bit float")
        }
        var raw = [UInt8](repeating: 0, count: width * height * bytesPerPixel)
        let isTiled = TIFFIsTiled(tif) != 0
        if isTiled {
            var tw: UInt32 = 0, th: UInt32 = 0
            ebsd_tiff_get_u32(tif, UInt32(TIFFTAG_TILEWIDTH), &tw)
            ebsd_tiff_get_u32(tif, UInt32(TIFFTAG_TILELENGTH), &th)
            // a corrupt header can claim empty or enormous tiles (or a tile size that disagrees with them)
            let tileBytes = Int(TIFFTileSize(tif))
            guard tw > 0, th > 0, Int(tw) * Int(th) <= TIFFReader.maximumPixels, tileBytes == Int(tw) * Int(th) * bytesPerPixel else {
                throw .malformed(path: path, page: index, message: "tiles of \(tw) × \(th) pixels (\(tileBytes) bytes) are not plausible")
            }
            var tile = [UInt8](repeating: 0, count: tileBytes)
            for ty in stride(from: 0, to: height, by: Int(th)) {
                for tx in stride(from: 0, to: width, by: Int(tw)) {
                    let n = tile.withUnsafeMutableBytes { TIFFReadTile(tif, $0.baseAddress, UInt32(tx), UInt32(ty), 0, 0) }
                    guard n > 0 else { throw .malformed(path: path, page: index, message: "cannot read tile at \(tx),\(ty)") }
                    for r in 0..<min(Int(th), height - ty) {
                        let count = min(Int(tw), width - tx) * bytesPerPixel
                        let src = r * Int(tw) * bytesPerPixel, dst = ((ty + r) * width + tx) * bytesPerPixel
                        raw.withUnsafeMutableBytes { d in
                            tile.withUnsafeBytes { s in (d.baseAddress! + dst).copyMemory(from: s.baseAddress! + src, byteCount: count) }
                        }
                    }
                }
            }
        } else {
            let rowBytes = width * bytesPerPixel
            guard Int(TIFFScanlineSize(tif)) == rowBytes else {
                throw .malformed(path: path, page: index, message: "scanlines of \(TIFFScanlineSize(tif)) bytes; expected \(rowBytes)")
            }
            for r in 0..<height {
                let ok = raw.withUnsafeMutableBytes { TIFFReadScanline(tif, $0.baseAddress! + r * rowBytes, UInt32(r), 0) }
                guard ok == 1 else {
                    throw .malformed(
                        path: path, page: index, message: "cannot read row \(r) (truncated or compressed with an unsupported codec?)")
                }
            }
        }
        var samples = [Float](repeating: 0, count: width * height * channels)
        raw.withUnsafeBytes { b in
            switch bits {
            case 8: for i in 0..<samples.count { samples[i] = Float(b[i]) }
            case 16: for i in 0..<samples.count { samples[i] = Float(b.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
            default: for i in 0..<samples.count { samples[i] = b.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }
            }
        }
        return Self.gray(interleaved: samples, channels: channels)
    }

    /// Rec. 601 luma weights of R, G and B.
    static let lumaWeights: (Float, Float, Float) = (0.299, 0.587, 0.114)

    /// Gray of interleaved gray, gray + alpha, RGB or RGBA samples: the gray samples as they are; the red channel where
    /// all three colours are equal everywhere, else the luma.
    public static func gray(interleaved s: [Float], channels: Int) -> (pixels: [Float], colour: Bool) {
        guard channels >= 3 else { return (channels == 1 ? s : stride(from: 0, to: s.count, by: channels).map { s[$0] }, false) }
        let n = s.count / channels
        let identical = (0..<n).allSatisfy { s[$0 * channels] == s[$0 * channels + 1] && s[$0 * channels] == s[$0 * channels + 2] }
        if identical { return ((0..<n).map { s[$0 * channels] }, false) }
        let w = lumaWeights
        return ((0..<n).map { w.0 * s[$0 * channels] + w.1 * s[$0 * channels + 1] + w.2 * s[$0 * channels + 2] }, true)
    }
}

/// Sample type of a written TIFF page.
public enum TIFFSampleType: Sendable { case uint8, uint16, float32 }
