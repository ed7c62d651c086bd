import Foundation
import Testing
import TestSupport
@testable import Grains
@testable import Figures
@testable import CrystalMaps
@testable import Crystallography
@testable import EBSDImageIO

@Suite(.needsSharedData) struct PictureTests {
    /// IPF map pixels (drawn through the fast colour table) agree with orix's colours.
    @Test(arguments: ["m-3m", "6/mmm", "m-3", "4/mmm"])
    func ipfMapColoursMatchGolden(_ sym: String) throws {
        let rec = try #require(try SharedData.json("golden/ipf_colors.json").dict("groups")?.dict(sym))
        let group = try #require(LaueGroup(symbol: sym))
        let recs = rec.dicts("orientations")
        let rots = recs.map { o -> Rotation in
            let q = o.doubles("q")!
            return Rotation(Quaternion(q[0], q[1], q[2], q[3]))
        }
        let phase = Phase(name: "test", spaceGroupNumber: 0, lattice: .cubic(0.4), laueGroup: group)
        let map = CrystalMap(
            grid: MapGrid(rows: 1, columns: rots.count, stepX: 1, stepY: 1), phases: [MapPhase(id: 1, phase: phase)],
            phaseIndex: [Int32](repeating: 0, count: rots.count), rotations: rots)
        let img = MapRenderer(scale: 1).render(map, .ipf(Vector3(0, 1, 0)))
        var worst = 0.0, checked = 0
        for (k, o) in recs.enumerated() {
            let y = o.dict("ipf_y")!
            if y.bool("orix_sector_outside") == true { continue }
            let e = y.doubles("rgb")!
            for ch in 0..<3 { worst = max(worst, abs(Double(img.pixels[3 * k + ch]) / 255 - e[ch])) }
            checked += 1
        }
        #expect(checked > 190)
        #expect(worst <= 0.03, "\(sym): worst channel difference \(worst) (8-bit, colour table)")
        print("IPF map pixels vs orix \(sym): worst channel difference \(worst)")
    }

    /// The map raster: two grains side by side, 20° apart — the shared edge is drawn black, [001] ∥ z red; the raster
    /// is the map alone (scale bar and key belong to the figure, FiguresTests).
    @Test func boundariesOnTheRaster() throws {
        let a = Rotation(euler: .degrees(0, 0, 0)), b = Rotation(axis: Vector3(0, 0, 1), angle: 20 * .pi / 180)
        let m = makeMap(rows: 10, columns: 20, step: 5, { _, c in c < 10 ? 0 : 1 }, [a, b])
        var r = MapRenderer(scale: 4)
        r.boundaries = BoundaryMap(m)
        let img = r.render(m, .ipf(Vector3(0, 0, 1)))
        #expect(img.width == 80 && img.height == 40)
        func px(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
            let o = 3 * (y * img.width + x)
            return (img.pixels[o], img.pixels[o + 1], img.pixels[o + 2])
        }
        #expect(px(39, 20) == (0, 0, 0) && px(40, 20) == (0, 0, 0), "HAGB on the edge between columns 9 and 10")
        #expect(px(20, 20) == (255, 0, 0), "[001] ∥ z is red")
        #expect(MapRenderer.niceLength(20) == 20 && MapRenderer.niceLength(37) == 20 && MapRenderer.niceLength(0.7) == 0.5)
    }

    @Test func writesPNGandTIFF16() throws {
        let m = makeMap(rows: 6, columns: 8, { _, _ in 0 }, [Rotation(euler: .degrees(10, 20, 30))])
        let img = MapRenderer(scale: 2).render(m, .ipf(Vector3(0, 0, 1)))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try img.writePNG(dir.appendingPathComponent("a.png").path)
        let back = try PNGImage.read(dir.appendingPathComponent("a.png").path, channels: 3)
        #expect(back.pixels == img.pixels)
        try img.writeTIFF16(dir.appendingPathComponent("a.tif").path)
        let tiff = try #require(FileManager.default.contents(atPath: dir.appendingPathComponent("a.tif").path))
        let back16 = try #require(Self.uncompressedRGB16(tiff))
        #expect(back16.width == img.width && back16.height == img.height)
        #expect(back16.samples == img.pixels.map { UInt16($0) * 257 }, "16-bit TIFF pixels read back")
    }

    /// A minimal reader of a baseline little-endian TIFF (uncompressed, one strip, 3 × 16-bit samples),
    /// written from the TIFF 6.0 specification so that the writer is checked by code that is not its own.
    static func uncompressedRGB16(_ d: Data) -> (width: Int, height: Int, samples: [UInt16])? {
        let b = [UInt8](d)
        guard b.count > 8, b[0] == 0x49, b[1] == 0x49, b[2] == 42 else { return nil }
        func u16(_ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        let ifd = u32(4)
        var tags: [Int: (type: Int, count: Int, at: Int)] = [:]
        for k in 0..<u16(ifd) {
            let e = ifd + 2 + 12 * k
            tags[u16(e)] = (u16(e + 2), u32(e + 4), e + 8)
        }
        func value(_ tag: Int) -> Int? { tags[tag].map { $0.type == 3 ? u16($0.at) : u32($0.at) } }
        let width = 256, height = 257, bits = 258, compression = 259, stripOffsets = 273, samplesPerPixel = 277
        guard let w = value(width), let h = value(height), value(compression) == 1, value(samplesPerPixel) == 3,
            let bps = tags[bits], let strip = value(stripOffsets)
        else { return nil }
        let bitsAt = bps.count * 2 > 4 ? u32(bps.at) : bps.at
        guard (0..<3).allSatisfy({ u16(bitsAt + 2 * $0) == 16 }), strip + w * h * 6 <= b.count else { return nil }
        return (w, h, (0..<(w * h * 3)).map { UInt16(u16(strip + 2 * $0)) })
    }
}
