import Foundation
import EBSDImageIO

/// NORDIF `Pattern.dat`: raw uint8 patterns, no header, scan order; pattern
/// size from `[Acquisition settings] Resolution WxH` and map shape from
/// `[Area] Number of samples WxH` in the `Setting.txt` beside it. The static background NORDIF acquires, `Background
/// acquisition pattern.bmp` beside them (as kikuchipy reads it), is the stack's ``StackMetadata/staticBackground``
/// when it has the patterns' size.
public func NordifSource(_ path: String) throws(PatternStackError) -> RawRecordSource {
    let settings = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("Setting.txt")
    guard let data = FileManager.default.contents(atPath: settings) else {
        throw .cannotOpen(path: settings, reason: "NORDIF Setting.txt not found beside \(path)")
    }
    let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r", with: "")
    var section = ""
    var resolution: (Int, Int)?, samples: (Int, Int)?
    func pair(_ s: String) -> (Int, Int)? {
        let p = s.split(separator: "x").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return p.count == 2 ? (p[0], p[1]) : nil
    }
    for line in text.split(separator: "\n") {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let key = f.first, !key.isEmpty else { continue }
        if key.hasPrefix("[") {
            section = key
            continue
        }
        if section == "[Acquisition settings]" && key == "Resolution" && f.count > 1 { resolution = pair(f[1]) }
        if section == "[Area]" && key == "Number of samples" && f.count > 1 { samples = pair(f[1]) }
    }
    guard let res = resolution else {
        throw .malformed(path: settings, pattern: nil, message: "no '[Acquisition settings] Resolution WxH' line")
    }
    guard (1...8192).contains(res.0), (1...8192).contains(res.1) else {
        throw .malformed(
            path: settings, pattern: nil,
            message: "pattern resolution \(res.0)x\(res.1) is not plausible (1…8192 px a side)")
    }
    if let s = samples, !((1...1_000_000).contains(s.0) && (1...1_000_000).contains(s.1)) {
        throw .malformed(path: settings, pattern: nil, message: "number of samples \(s.0)x\(s.1) is not plausible")
    }
    let n = res.0 * res.1
    let size = fileSize(path)
    guard size % n == 0 else {
        throw .malformed(
            path: path, pattern: size / n, message: "size \(size) bytes is not a whole number of \(res.0)×\(res.1) patterns (truncated?)")
    }
    let shape = samples.map { (rows: $0.1, columns: $0.0) }
    let folder = (path as NSString).deletingLastPathComponent
    let bgPath = (folder as NSString).appendingPathComponent(nordifBackgroundFile)
    var metadata: StackMetadata?
    if FileManager.default.fileExists(atPath: bgPath) {
        let bg = try ImageFolderSource.load(bgPath)
        guard bg.rows == res.1, bg.columns == res.0 else {
            throw .malformed(
                path: bgPath, pattern: nil, message: "background is \(bg.rows)x\(bg.columns) px, the patterns \(res.1)x\(res.0)")
        }
        var m = StackMetadata(vendor: "NORDIF", scan: "")
        m.staticBackground = bg.pixels
        m.patternDataset = (path as NSString).lastPathComponent
        metadata = m
    }
    return try RawRecordSource(
        path: path, rows: res.1, columns: res.0, offset: 0, bytesPerPixel: 1, count: size / n, mapShape: shape, metadata: metadata)
}

/// NORDIF's static background image, beside `Pattern.dat`.
let nordifBackgroundFile = "Background acquisition pattern.bmp"
