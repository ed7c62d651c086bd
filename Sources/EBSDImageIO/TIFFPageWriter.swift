import Foundation
import CImageShims
import CTIFF

/// Writes multi-page grayscale TIFFs one page at a time (constant memory),
/// to a temporary file that ``finish()`` renames into place; a writer that
/// is never finished leaves no output behind.
public final class TIFFPageWriter {
    public let path: String
    public let width: Int, height: Int
    public let type: TIFFSampleType
    let compress: Bool
    let tmp: String
    var tif: OpaquePointer?
    var description: String?
    public private(set) var pageCount = 0

    public init(
        _ path: String, width: Int, height: Int, type: TIFFSampleType = .float32, description: String? = nil,
        compress: Bool = false, bigTIFF: Bool = true
    ) throws(ImageIOError) {
        self.path = path
        self.width = width
        self.height = height
        self.type = type
        self.compress = compress
        self.description = description
        tmp = temporaryPath(for: path)
        ebsd_tiff_quiet()
        guard let t = TIFFOpen(tmp, bigTIFF ? "w8" : "w") else { throw writeFailure(tmp, path: path) }
        tif = t
    }

    deinit {
        if let t = tif {
            TIFFClose(t)
            unlink(tmp)
        }
    }

    /// Appends one page (width × height values, row-major). Integer types are clamped and rounded.
    public func append(_ page: [Float]) throws(ImageIOError) {
        guard let t = tif else { throw .writeFailed(path: path, reason: "writer already finished") }
        guard page.count == width * height else {
            throw .writeFailed(path: path, reason: "page \(pageCount) has \(page.count) values, expected \(width * height)")
        }
        let (bits, fmt, bps): (UInt16, UInt16, Int) =
            switch type {
            case .uint8: (8, 1, 1)
            case .uint16: (16, 1, 2)
            case .float32: (32, 3, 4)
            }
        ebsd_tiff_set_u32(t, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(width))
        ebsd_tiff_set_u32(t, UInt32(TIFFTAG_IMAGELENGTH), UInt32(height))
        ebsd_tiff_set_u16(t, UInt32(TIFFTAG_BITSPERSAMPLE), bits)
        ebsd_tiff_set_u16(t, UInt32(TIFFTAG_SAMPLEFORMAT), fmt)
        ebsd_tiff_set_u16(t, UInt32(TIFFTAG_SAMPLESPERPIXEL), 1)
        ebsd_tiff_set_u16(t, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_MINISBLACK))
        ebsd_tiff_set_u16(t, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG))
        if compress {
            ebsd_tiff_set_u16(t, UInt32(TIFFTAG_COMPRESSION), UInt16(COMPRESSION_ADOBE_DEFLATE))
            ebsd_tiff_set_u16(t, UInt32(TIFFTAG_PREDICTOR), UInt16(type == .float32 ? PREDICTOR_FLOATINGPOINT : PREDICTOR_HORIZONTAL))
            ebsd_tiff_set_u32(t, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(min(height, 32)))
        } else {
            ebsd_tiff_set_u32(t, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(height))
        }
        ebsd_tiff_set_u32(t, UInt32(TIFFTAG_SUBFILETYPE), UInt32(FILETYPE_PAGE))
        if pageCount == 0, let d = description { ebsd_tiff_set_string(t, UInt32(TIFFTAG_IMAGEDESCRIPTION), d) }
        var row = [UInt8](repeating: 0, count: width * bps)
        for r in 0..<height {
            row.withUnsafeMutableBytes { b in
                for c in 0..<width {
                    let v = page[r * width + c]
                    switch type {
                    case .uint8: b[c] = UInt8(max(0, min(255, v.rounded())))
                    case .uint16: b.storeBytes(of: UInt16(max(0, min(65535, v.rounded()))), toByteOffset: 2 * c, as: UInt16.self)
                    case .float32: b.storeBytes(of: v, toByteOffset: 4 * c, as: Float.self)
                    }
                }
            }
            let ok = row.withUnsafeMutableBytes { TIFFWriteScanline(t, $0.baseAddress, UInt32(r), 0) }
            guard ok == 1 else { throw abandon(t) }
        }
        guard TIFFWriteDirectory(t) == 1 else { throw abandon(t) }
        pageCount += 1
    }

    /// Closes the file and renames it into place (a flush that fails, e.g. on a full disk, removes it instead).
    public func finish() throws(ImageIOError) {
        guard let t = tif else { return }
        guard TIFFFlush(t) == 1 else { throw abandon(t) }
        TIFFClose(t)
        tif = nil
        try commit(tmp, to: path)
    }

    /// Closes and removes the temporary file after a failed write; the error says why.
    private func abandon(_ t: OpaquePointer) -> ImageIOError {
        TIFFClose(t)
        tif = nil
        return writeFailure(tmp, path: path)
    }
}
