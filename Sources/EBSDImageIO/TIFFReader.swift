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
    public func page(_ index: Int) throws(ImageIOError) -> [Float] {
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
        guard spp == 1 else { throw .malformed(path: path, page: index, message: "\(spp) samples per pixel; expected 1 (grayscale)") }
        let bytesPerSample = Int(bits) / 8
        guard (bits == 8 || bits == 16) && fmt == 1 || bits == 32 && fmt == 3 else {
            throw .malformed(
                path: path, page: index, message: "\(bits)-bit sample format \(fmt); expected 8/16-bit unsigned or 32-bit float")
        }
        var raw = [UInt8](repeating: 0, count: width * height * bytesPerSample)
        let isTiled = TIFFIsTiled(tif) != 0
        if isTiled {
            var tw: UInt32 = 0, th: UInt32 = 0
            ebsd_tiff_get_u32(tif, UInt32(TIFFTAG_TILEWIDTH), &tw)
            ebsd_tiff_get_u32(tif, UInt32(TIFFTAG_TILELENGTH), &th)
            // a corrupt header can claim empty or enormous tiles (or a tile size that disagrees with them)
            let tileBytes = Int(TIFFTileSize(tif))
            guard tw > 0, th > 0, Int(tw) * Int(th) <= TIFFReader.maximumPixels, tileBytes == Int(tw) * Int(th) * bytesPerSample else {
                throw .malformed(path: path, page: index, message: "tiles of \(tw) × \(th) pixels (\(tileBytes) bytes) are not plausible")
            }
            var tile = [UInt8](repeating: 0, count: tileBytes)
            for ty in stride(from: 0, to: height, by: Int(th)) {
                for tx in stride(from: 0, to: width, by: Int(tw)) {
                    let n = tile.withUnsafeMutableBytes { TIFFReadTile(tif, $0.baseAddress, UInt32(tx), UInt32(ty), 0, 0) }
                    guard n > 0 else { throw .malformed(path: path, page: index, message: "cannot read tile at \(tx),\(ty)") }
                    for r in 0..<min(Int(th), height - ty) {
                        let count = min(Int(tw), width - tx) * bytesPerSample
                        let src = r * Int(tw) * bytesPerSample, dst = ((ty + r) * width + tx) * bytesPerSample
                        raw.withUnsafeMutableBytes { d in
                            tile.withUnsafeBytes { s in (d.baseAddress! + dst).copyMemory(from: s.baseAddress! + src, byteCount: count) }
                        }
                    }
                }
            }
        } else {
            let rowBytes = width * bytesPerSample
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
        var out = [Float](repeating: 0, count: width * height)
        raw.withUnsafeBytes { b in
            switch bits {
            case 8: for i in 0..<out.count { out[i] = Float(b[i]) }
            case 16: for i in 0..<out.count { out[i] = Float(b.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) }
            default: for i in 0..<out.count { out[i] = b.loadUnaligned(fromByteOffset: 4 * i, as: Float.self) }
            }
        }
        return out
    }
}

/// Sample type of a written TIFF page.
public enum TIFFSampleType: Sendable { case uint8, uint16, float32 }
