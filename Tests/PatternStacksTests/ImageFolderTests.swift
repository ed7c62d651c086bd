import Foundation
import Testing
import TestSupport
@testable import PatternStacks
@testable import EBSDImageIO
@testable import HoughIndexing
@testable import Crystallography
@testable import DetectorGeometry
import CrystalMaps

/// Issue 27 item 1: folders of per-pattern images placed on the map by their names.
@Suite struct ImageFolderTests {
    func folder() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// The names alone: OIM coordinates, AZtec's running index, natural order.
    @Test func layoutsFromNames() {
        // OIM: x, y in 10 nm units, 0.1 µm step → spacing 10; listed in natural order (column by column)
        var names: [String] = []
        for x in stride(from: 0, through: 20, by: 10) { for y in stride(from: 0, through: 10, by: 10) { names.append("s_x\(x)y\(y).jpg") } }
        names.removeAll { $0 == "s_x10y10.jpg" }
        names += ["s_x5y0.jpg", "thumbs.jpg"]
        let oim = ImageFolderLayout(names: names)
        #expect(oim.naming == .coordinates(unitMicrons: 0.01) && oim.shape?.rows == 2 && oim.shape?.columns == 3)
        #expect(abs((oim.stepMicrons ?? 0) - 0.1) < 1e-12)
        #expect(oim.fileOfPoint == ["s_x0y0.jpg", "s_x10y0.jpg", "s_x20y0.jpg", "s_x0y10.jpg", nil, "s_x20y10.jpg"])
        #expect(Set(oim.strays) == ["s_x5y0.jpg", "thumbs.jpg"] && oim.holes == 1)
        // AZtec: a running index after a fixed number, offset removed, one missing
        let aztec = ImageFolderLayout(names: ["Map Data 1_0238002.tiff", "Map Data 1_0238000.tiff", "Map Data 1_0238003.tiff"])
        #expect(aztec.naming == .index && aztec.shape == nil)
        #expect(aztec.fileOfPoint == ["Map Data 1_0238000.tiff", nil, "Map Data 1_0238002.tiff", "Map Data 1_0238003.tiff"])
        let plain = ImageFolderLayout(names: ["b.png", "a.png", "c.png"])
        #expect(plain.naming == .naturalOrder && plain.fileOfPoint == ["a.png", "b.png", "c.png"])
    }

    /// A user's name pattern places names the automatic rules read wrongly or not at all; names it does not match are
    /// strays; bad patterns are refused with the reason.
    @Test func namePatternsPlaceFiles() throws {
        // column before row in the name: natural order would go column by column
        var names: [String] = []
        for r in 1...2 { for c in 1...3 { names.append("Ni c\(c) r\(r) 20kV.png") } }
        names.removeAll { $0 == "Ni c2 r2 20kV.png" }
        names.append("notes.png")
        let auto = ImageFolderLayout(names: names)
        #expect(auto.naming == .naturalOrder)
        let byIndices = ImageFolderLayout(names: names, naming: ImageFolderNaming(pattern: try ImageNamePattern("Ni c{col} r{row} *.png")))
        #expect(byIndices.shape?.rows == 2 && byIndices.shape?.columns == 3 && byIndices.stepMicrons == nil)
        #expect(byIndices.fileOfPoint == ["Ni c1 r1 20kV.png", "Ni c2 r1 20kV.png", "Ni c3 r1 20kV.png", "Ni c1 r2 20kV.png", nil,
            "Ni c3 r2 20kV.png"])
        #expect(byIndices.strays == ["notes.png"] && byIndices.holes == 1)
        // coordinates in µm with a decimal point, y before x, a given unit (1 µm)
        let coords = ["P y0.0 x0.0.tif", "P y0.0 x1.5.tif", "P y1.5 x0.0.tif", "P y1.5 x1.5.tif"]
        let c = ImageFolderLayout(names: coords, naming: ImageFolderNaming(pattern: try ImageNamePattern("P y{y} x{x}"), unitMicrons: 1))
        #expect(c.shape?.rows == 2 && c.shape?.columns == 2 && c.stepMicrons == 1.5)
        #expect(c.fileOfPoint == ["P y0.0 x0.0.tif", "P y0.0 x1.5.tif", "P y1.5 x0.0.tif", "P y1.5 x1.5.tif"])
        // a running index next to another varying number (automatic rules see two numbers)
        let run = ["img_0012_t913.png", "img_0010_t907.png", "img_0011_t911.png"]
        #expect(ImageFolderLayout(names: run).naming == .naturalOrder)
        let r = ImageFolderLayout(names: run, naming: ImageFolderNaming(pattern: try ImageNamePattern("img_{index}_t*")))
        #expect(r.fileOfPoint == ["img_0010_t907.png", "img_0011_t911.png", "img_0012_t913.png"] && r.shape == nil)
        for (bad, why) in [("scan_{x}.png", "must be {x} and {y}"), ("a{z}b", "unknown field {z}"), ("{x}{y}{x}", "appears twice"),
            ("p{x", "without its '}'")] {
            #expect(throws: PatternStackError.self) { try ImageNamePattern(bad) }
            do { _ = try ImageNamePattern(bad) } catch { #expect("\(error)".contains(why), "\(bad): \(error)") }
        }
    }

    /// The real Ni patterns as gray PNGs named column first (`Ni c{col} r{row}.png`, 1-based): opened with the name
    /// pattern, each pattern lands on its map point; gray PNGs read as gray, not as colour.
    @Test(.needsSharedData) func namePatternOpensRealPatterns() throws {
        let ni = try NickelData()
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let size = NickelData.rows * NickelData.columns
        for k in 0..<NickelData.count {
            let gray = ni.raw[(k * size)..<((k + 1) * size)].map { UInt8($0) }
            try PNGImage(width: NickelData.columns, height: NickelData.rows, channels: 1, pixels: gray)
                .write(to: dir.appendingPathComponent("Ni c\(k % 3 + 1) r\(k / 3 + 1).png").path)
        }
        let naming = ImageFolderNaming(pattern: try ImageNamePattern("Ni c{column} r{row}.png"))
        let stack = try PatternStack.open(dir.path, naming: naming)
        #expect(stack.mapRows == 3 && stack.mapColumns == 3 && stack.missingPoints.isEmpty && !stack.stepKnown)
        #expect(try stack.read(0..<NickelData.count) == ni.raw && stack.metadata?.layoutDescription?.contains("colour") == false)
        let unmatched = ImageFolderNaming(pattern: try ImageNamePattern("Fe_{index}.png"))
        #expect(throws: PatternStackError.self) { try PatternStack.open(dir.path, naming: unmatched) }
    }

    /// The 9 real Ni patterns written as RGB PNGs under OIM names in another order, one left out, one stray: the
    /// stack puts each pattern at its map point (the TIFF's), the hole reads as zeros, and Hough leaves it not indexed.
    @Test(.needsSharedData) func oimNamedRGBFolderReadsRowByRow() throws {
        let ni = try NickelData()
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let size = NickelData.rows * NickelData.columns, hole = 4
        try ni.writeOIMNamedImages(to: dir, hole: hole)
        let stack = try PatternStack.open(dir.path)
        #expect(stack.mapRows == 3 && stack.mapColumns == 3 && abs(stack.stepMicrons - 0.5) < 1e-12 && stack.stepKnown)
        #expect(stack.missingPoints == [hole] && stack.metadata?.strayFiles == ["overview.png"])
        let all = try stack.read(0..<NickelData.count)
        for k in 0..<NickelData.count {
            let got = Array(all[(k * size)..<((k + 1) * size)])
            #expect(got == (k == hole ? [Float](repeating: 0, count: size) : Array(ni.raw[(k * size)..<((k + 1) * size)])), "point \(k)")
        }
        let map = try HoughIndexer(detector: Detector(rows: 60, columns: 60, pc: ni.meanPC), phases: [.nickel]).index(stack: stack)
        #expect(!map.isIndexed(hole) && map.properties[MapProperty.confidenceIndex]?[hole] == -1)
        let within = (0..<NickelData.count).filter { k in
            let error = Orientation(map.rotations[k], .cubicHigh).disorientationAngle(to: Orientation(ni.references[k], .cubicHigh))
            return k != hole && error < 2 * .pi / 180
        }
        #expect(within.count == NickelData.count - 1, "within 2°: \(within)")
    }

    /// A real JPEG export (`../shared/data/real-single/`) decodes to the pixels Pillow (libjpeg) gives, in the same run.
    @Test(.needsSharedData, .enabled(if: PeerPython.has("PIL"), "the peer environment lacks Pillow: the JPEG comparison is skipped"))
    func jpegAsPillowDecodesIt() throws {
        let path = SharedData.path("data/real-single/ebsdtools_pattern2.jpg")
        let ours = try JPEGImage.read(path)
        let code = "import sys, json, numpy as np; from PIL import Image; a = np.asarray(Image.open(sys.argv[1]).convert('L')); "
            + "print(json.dumps({'rows': a.shape[0], 'columns': a.shape[1], 'pixels': a.ravel().tolist()}))"
        let peer = try PeerPython.json(["-c", code, path])
        #expect(peer["rows"] as? Int == ours.rows && peer["columns"] as? Int == ours.columns && !ours.colour)
        let theirs = try #require(peer["pixels"] as? [Double])
        #expect(theirs.count == ours.pixels.count)
        let differing = zip(theirs, ours.pixels).filter { $0 != Double($1) }.count
        #expect(differing == 0, "\(differing) of \(theirs.count) pixels differ")
    }

    /// 16-bit gray PNGs (as Pillow writes them) keep their 16-bit values, in a folder and as one image.
    @Test(.enabled(if: PeerPython.has("PIL"), "the peer environment lacks Pillow: the 16-bit PNG check is skipped"))
    func sixteenBitPNGKeepsItsValues() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let code = "import sys, json, numpy as np; from PIL import Image\n"
            + "a = (np.arange(12 * 10, dtype=np.uint32).reshape(12, 10) * 523 % 65536).astype(np.uint16)\n"
            + "for k in range(2): Image.fromarray(a + k).save(f'{sys.argv[1]}/p_{k}.png')\n"
            + "print(json.dumps({'pixels': a.ravel().tolist()}))"
        let written = try #require(try PeerPython.json(["-c", code, dir.path])["pixels"] as? [Double])
        let stack = try PatternStack.open(dir.path)
        #expect(stack.count == 2 && stack.patternRows == 12 && stack.patternColumns == 10)
        let both = try stack.read(0..<2)
        #expect(both.prefix(120).map(Double.init) == written && both.suffix(120).map(Double.init) == written.map { $0 + 1 })
        #expect(try PatternStack.open(dir.appendingPathComponent("p_0.png").path).read(0..<1).map(Double.init) == written)
    }
}
