import Foundation
import CImageShims
import CTIFF

/// Writes whole multi-page grayscale TIFFs (through a temporary file and a rename).
public enum TIFFWriter {
    /// Writes `pages` (each width × height, row-major) with an optional
    /// ImageDescription on the first page. Integer types are clamped and
    /// rounded; `compress` uses lossless Deflate with the matching predictor.
    public static func write(
        _ path: String, width: Int, height: Int, pages: [[Float]], type: TIFFSampleType = .float32,
        description: String? = nil, compress: Bool = false
    ) throws(ImageIOError) {
        let w = try TIFFPageWriter(
            path, width: width, height: height, type: type, description: description, compress: compress,
            bigTIFF: width * height * pages.count * 4 > 1 << 31)
        for p in pages { try w.append(p) }
        try w.finish()
    }

    /// Writes one 16-bit RGB page (interleaved r, g, b per pixel), through a temporary file and a rename.
    public static func writeRGB16(_ path: String, width: Int, height: Int, rgb: [UInt16]) throws(ImageIOError) {
        guard rgb.count == width * height * 3 else { throw .writeFailed(path: path, reason: "expected \(width * height * 3) values") }
        let tmp = temporaryPath(for: path)
        ebsd_tiff_quiet()
        guard let t = TIFFOpen(tmp, "w") else { throw writeFailure(tmp, path: path) }
        ebsd_tiff_set_u32(t, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(width))
        ebsd_tiff_set_u32(t, UInt32(TIFFTAG_IMAGELENGTH), UInt32(height))
        ebsd_tiff_set_u16(t, UInt32(TIFFTAG_BITSPERSAMPLE), 16)
        ebsd_tiff_set_u16(t, UInt32(TIFFTAG_SAMPLESPERPIXEL), 3)
        ebsd_tiff_set_u16(t, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_RGB))
        ebsd_tiff_set_u16(t, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG))
        ebsd_tiff_set_u32(t, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(height))
        var row = [UInt16](repeating: 0, count: width * 3)
        for r in 0..<height {
            for i in 0..<(width * 3) { row[i] = rgb[r * width * 3 + i] }
            let ok = row.withUnsafeMutableBytes { TIFFWriteScanline(t, $0.baseAddress, UInt32(r), 0) }
            guard ok == 1 else {
                TIFFClose(t)
                throw writeFailure(tmp, path: path)
            }
        }
        guard TIFFFlush(t) == 1 else {
            TIFFClose(t)
            throw writeFailure(tmp, path: path)
        }
        TIFFClose(t)
        try commit(tmp, to: path)
    }
}
