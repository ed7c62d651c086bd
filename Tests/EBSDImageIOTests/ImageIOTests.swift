import Foundation
import Testing
import TestSupport
@testable import EBSDImageIO

@Suite(.needsSharedData) struct ImageIOTests {
    let tmp: URL = {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-img-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }()

    /// The TIFF stack and the raw NORDIF Pattern.dat hold the same 9 real Ni patterns.
    @Test func realTIFFStackMatchesRawNordifBytes() throws {
        let tif = try TIFFReader(SharedData.path("data/ni-nordif-3x3/patterns.tif"))
        #expect(tif.pageCount == 9 && tif.width == 60 && tif.height == 60)
        let raw = try #require(FileManager.default.contents(atPath: SharedData.path("data/ni-nordif-3x3/nordif/Pattern.dat")))
        #expect(raw.count == 9 * 3600)
        for k in 0..<9 {
            let page = try tif.page(k)
            for i in 0..<3600 {
                if page[i] != Float(raw[k * 3600 + i]) {
                    Issue.record("page \(k) pixel \(i)")
                    return
                }
            }
        }
    }

    /// EMsoft's Ni master pattern (2 float pages); for this cubic crystal each page equals its transpose.
    @Test func realFloatMasterPattern() throws {
        let tif = try TIFFReader(SharedData.path("data/ni-master-20kv/lambert_north_south.tif"))
        #expect(tif.pageCount == 2 && tif.width == 401 && tif.height == 401)
        let north = try tif.page(0)
        var worst: Float = 0
        for r in 0..<401 { for c in 0..<401 { worst = max(worst, abs(north[r * 401 + c] - north[c * 401 + r])) } }
        #expect(worst < 1e-4)
        #expect(north.max()! > 100 && north.min()! >= 0)
    }

    @Test(arguments: [TIFFSampleType.uint8, .uint16, .float32])
    func multiPageRoundTrip(_ type: TIFFSampleType) throws {
        let path = tmp.appendingPathComponent("s.tif").path
        var pages: [[Float]] = []
        for p in 0..<3 {
            var page = [Float](repeating: 0, count: 35)
            for i in 0..<35 { page[i] = Float((i * 7 + p * 13) % 250) }
            pages.append(page)
        }
        try TIFFWriter.write(path, width: 7, height: 5, pages: pages, type: type, description: "{\"test\": 1}")
        let r = try TIFFReader(path)
        #expect(r.pageCount == 3 && r.width == 7 && r.height == 5 && r.description == "{\"test\": 1}")
        for p in 0..<3 { #expect(try r.page(p) == pages[p]) }
        #expect(throws: ImageIOError.self) { try r.page(3) }
    }

    @Test func pngRoundTrip() throws {
        let path = tmp.appendingPathComponent("x.png").path
        let px = (0..<(4 * 3 * 3)).map { UInt8($0 * 7 % 256) }
        try PNGImage(width: 4, height: 3, channels: 3, pixels: px).write(to: path)
        let back = try PNGImage.read(path, channels: 3)
        #expect(back.width == 4 && back.height == 3 && back.pixels == px)
    }

    @Test func badFilesGiveErrors() throws {
        let path = tmp.appendingPathComponent("bad.tif").path
        FileManager.default.createFile(atPath: path, contents: Data("not a tiff".utf8))
        #expect(throws: ImageIOError.self) { try TIFFReader(path) }
        #expect(throws: ImageIOError.self) { try TIFFReader(tmp.appendingPathComponent("missing.tif").path) }
        #expect(throws: ImageIOError.self) { try PNGImage.read(path) }
    }
}
