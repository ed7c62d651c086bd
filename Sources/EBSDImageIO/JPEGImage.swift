import Foundation
import CImageShims

/// JPEG images (baseline and progressive, through Debian's libjpeg-turbo), read as 8-bit gray: a gray JPEG as it is,
/// a colour one as libjpeg's luminance Y = 0.299 R + 0.587 G + 0.114 B (which is the gray itself where the three
/// channels are equal, as in pattern exports). Read only.
public enum JPEGImage {
    /// Largest side accepted, in pixels (a corrupt header cannot make us allocate gigabytes).
    public static let maximumSide = 16_384

    /// The image as gray values 0–255, row-major, and whether the file stored colour (several components).
    public static func read(_ path: String) throws(ImageIOError) -> (rows: Int, columns: Int, pixels: [Float], colour: Bool) {
        guard FileManager.default.fileExists(atPath: path) else { throw .cannotOpen(path: path, reason: "no such file") }
        var w: UInt32 = 0, h: UInt32 = 0
        var components: Int32 = 0
        var err = [CChar](repeating: 0, count: 256)
        if ebsd_jpeg_read_size(path, &w, &h, &components, &err, 256) != 0 {
            throw .malformed(path: path, page: nil, message: String(cString: err))
        }
        guard w > 0, h > 0, Int(w) <= maximumSide, Int(h) <= maximumSide else {
            throw .malformed(path: path, page: nil, message: "image size \(w)×\(h) px is outside 1…\(maximumSide)")
        }
        var buf = [UInt8](repeating: 0, count: Int(w) * Int(h))
        let rc = buf.withUnsafeMutableBufferPointer { ebsd_jpeg_read_gray(path, $0.baseAddress, $0.count, &err, 256) }
        if rc != 0 { throw .malformed(path: path, page: nil, message: String(cString: err)) }
        return (Int(h), Int(w), buf.map(Float.init), components > 1)
    }
}
