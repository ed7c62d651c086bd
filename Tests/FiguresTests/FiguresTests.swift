import EBSDCore
import Foundation
import Testing
import Crystallography
import CrystalMaps
import EBSDImageIO
import Figures
import Grains
import Texture

/// The cairo figures: formats, ticks, vector output, labels that fit, and refusals that write nothing.
@Suite struct FiguresTests {
    let dir: URL = {
        // one folder per test (a new suite instance each): tests running at once never see each other's temporary files
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("figures-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    /// Ticks on 1–2–5 steps (the old histogram's ticks fell on 20.4 / 40.7 / 61.1).
    @Test func niceScales() {
        let a = NiceScale(covering: 0, 62.8, maximumTicks: 8)
        #expect(a.step == 10 && a.lower == 0 && a.upper == 70 && a.ticks.count == 8)
        let b = NiceScale(covering: 0, 0.38, maximumTicks: 6)
        #expect(b.step == 0.1 && b.upper == 0.4 && b.label(0.3) == "0.3")
        let c = NiceScale(covering: 0, 61.1, maximumTicks: 5)
        #expect(c.step == 20 && c.ticks == [0, 20, 40, 60, 80])
        let d = NiceScale(covering: 3, 3)
        #expect(d.lower < 3 && d.upper > 3)
        for s in [a, b, c, d] {
            let m = s.step / pow(10, floor(log10(s.step)))
            #expect([1, 2, 5].contains { abs(m - Double($0)) < 1e-9 }, "step \(s.step)")
        }
    }

    /// The same pole figure as PNG (300 dpi: 2126 pixels for 180 mm), SVG and PDF: each file starts with its format's
    /// signature and the vector files hold the density as one embedded image (not smoothed) and the text as vectors.
    @Test func formatsByExtension() throws {
        var rng = SplitMix64(seed: 1)
        let rotations = (0..<20_000).map { _ in Rotation.random(using: &rng) }
        let plot = PoleFigurePlot(
            figures: [("{100}", PoleFigure(orientations: rotations, phase: .nickel, hkl: (1, 0, 0)))], projection: .equalArea,
            kernel: SphericalKernel(.gaussian, halfWidthDegrees: 8), scatter: false)
        for (ext, signature) in [("png", Data([0x89, 0x50, 0x4E, 0x47])), ("svg", Data("<?xml".utf8)), ("pdf", Data("%PDF".utf8))] {
            let path = dir.appendingPathComponent("pf.\(ext)").path
            try plot.write(to: path, widthMM: 85)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(data.prefix(signature.count) == signature, "\(ext)")
            if ext == "png" {
                let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }
                #expect(width == Int((85 / 25.4 * 300).rounded()), "PNG width \(width)")
            }
            if ext == "svg" {
                let text = String(decoding: data, as: UTF8.self)
                #expect(text.contains("<image") && text.contains("<path"))
            }
        }
        // nothing else left in the folder (temporary files renamed)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "\(left)")
    }

    /// Too narrow for the figure, an unknown extension, dpi 0, no orientations: refused, nothing written.
    @Test func refusals() throws {
        let rotations = [Rotation.identity]
        let pf = PoleFigure(orientations: rotations, phase: .nickel, hkl: (1, 1, 1))
        let plot = PoleFigurePlot(
            figures: [("{111}", pf), ("{111}", pf), ("{111}", pf)], projection: .stereographic,
            kernel: SphericalKernel(.delaValleePoussin, halfWidthDegrees: 5), scatter: true)
        let narrow = dir.appendingPathComponent("narrow.pdf").path
        #expect(throws: FigureError.self) { try plot.write(to: narrow, widthMM: 40) }
        #expect(throws: FigureError.self) { try plot.write(to: dir.appendingPathComponent("pf.jpg").path) }
        #expect(throws: FigureError.self) { try plot.write(to: dir.appendingPathComponent("pf0.png").path, dpi: 0) }
        let empty = PoleFigurePlot(
            figures: [("{111}", PoleFigure(orientations: [], phase: .nickel, hkl: (1, 1, 1)))], projection: .equalArea,
            kernel: SphericalKernel(.gaussian, halfWidthDegrees: 5), scatter: false)
        #expect(throws: FigureError.self) { try empty.write(to: dir.appendingPathComponent("empty.png").path) }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!files.contains { $0.hasPrefix("narrow") || $0.hasPrefix("pf0") || $0.hasPrefix("empty") || $0.hasPrefix(".") }, "\(files)")
    }

    /// A map figure of two twin-related grains as PDF and SVG: the map is one embedded image at its pixel grid
    /// (40 × 20), the boundaries are vector paths, and the Σ3 legend is there; the figure is as wide as asked.
    @Test func mapFigureVectors() throws {
        let rows = 20, cols = 40
        let parent = Rotation(euler: EulerAngles(0.3, 0.5, 0.7))
        let twin = Rotation(axis: Vector3(1, 1, 1).unit, angle: .pi / 3) * parent
        let map = CrystalMap(
            grid: MapGrid(rows: rows, columns: cols, stepX: 0.5, stepY: 0.5), phases: [MapPhase(id: 1, phase: .nickel)],
            phaseIndex: [Int32](repeating: 0, count: rows * cols),
            rotations: (0..<(rows * cols)).map { $0 % cols < cols / 2 ? parent : twin },
            properties: [:])
        var figure = MapFigure(map: map, layer: .ipf(Vector3(0, 0, 1)))
        figure.boundaries = BoundaryMap(map)
        let special = SpecialBoundaryMap(map)
        figure.special = (special, ["Σ3"])
        let svgPath = dir.appendingPathComponent("twin.svg").path
        try figure.write(to: svgPath, widthMM: 85)
        let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
        #expect(svg.contains("width=\"240.94") || svg.contains("width=\"241pt") || svg.contains("width=\"240.9"), "85 mm = 240.9 pt")
        #expect(svg.contains("width=\"40\"") && svg.contains("height=\"20\""), "the map embedded at its 40 × 20 pixel grid")
        #expect(svg.components(separatedBy: "<path").count > 5)
        let pdfPath = dir.appendingPathComponent("twin.pdf").path
        try figure.write(to: pdfPath, widthMM: 180)
        let pdf = try Data(contentsOf: URL(fileURLWithPath: pdfPath))
        #expect(pdf.prefix(4) == Data("%PDF".utf8))
        #expect(special.lengths(map.grid)[0] == Double(rows) * 0.5)
    }

    /// The IPF map figure as a 300-dpi PNG read back: a 100 µm wide map gets a 20 µm scale bar — the longest run of
    /// black pixels below the map is a fifth of the map's width in pixels (found in the image, not computed from the
    /// layout) — and the key's [001] corner is red.
    @Test func scaleBarAndKeyInThePNG() throws {
        let a = Rotation(euler: .degrees(0, 0, 0)), b = Rotation(axis: Vector3(0, 0, 1), angle: 20 * .pi / 180)
        let rows = 10, cols = 20
        let map = CrystalMap(
            grid: MapGrid(rows: rows, columns: cols, stepX: 5, stepY: 5), phases: [MapPhase(id: 1, phase: .nickel)],
            phaseIndex: [Int32](repeating: 0, count: rows * cols), rotations: (0..<(rows * cols)).map { $0 % cols < 10 ? a : b },
            properties: [:])
        var figure = MapFigure(map: map, layer: .ipf(Vector3(0, 0, 1)))
        figure.boundaries = BoundaryMap(map)
        let path = dir.appendingPathComponent("ipf.png").path
        try figure.write(to: path, widthMM: 85, dpi: 300)
        let img = try PNGImage.read(path, channels: 3)
        let mapPixels = (85.0 - 2) / 25.4 * 300  // the map spans the width less 1 mm margins
        let mapBottom = Int((1 + 83.0 / 2) / 25.4 * 300)  // 1 mm margin + 41.5 mm map height
        func px(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
            let o = 3 * (y * img.width + x)
            return (img.pixels[o], img.pixels[o + 1], img.pixels[o + 2])
        }
        var longest = 0, red = 0
        for y in (mapBottom + 5)..<img.height {
            var run = 0
            for x in 0..<img.width {
                let c = px(x, y)
                run = c.0 < 40 && c.1 < 40 && c.2 < 40 ? run + 1 : 0
                longest = max(longest, run)
                if c.0 > 235 && c.1 < 40 && c.2 < 40 { red += 1 }
            }
        }
        #expect(abs(Double(longest) - mapPixels / 5) <= 3, "scale bar \(longest) px, expected \(mapPixels / 5)")
        #expect(red > 0, "the key's [001] corner is red")
    }

    /// Marching squares on a radial field: the iso-line at r = 10.3 lies on the circle of radius 10.3 (within the linear
    /// interpolation's error) and closes (every end point is shared by two segments; 10.3 passes through no grid point).
    @Test func contoursOfARadialField() {
        let n = 41
        let field = (0..<(n * n)).map { i -> Double in
            let x = Double(i % n) + 0.5 - 20.5, y = Double(i / n) + 0.5 - 20.5
            return (x * x + y * y).squareRoot()
        }
        let segments = Contours.segments(field, width: n, height: n, level: 10.3)
        #expect(segments.count > 40)
        for (a, b) in segments {
            for p in [a, b] {
                let r = ((p.0 - 20.5) * (p.0 - 20.5) + (p.1 - 20.5) * (p.1 - 20.5)).squareRoot()
                #expect(abs(r - 10.3) < 0.05, "\(p) at radius \(r)")
            }
        }
        var ends: [String: Int] = [:]
        for (a, b) in segments { for p in [a, b] { ends[String(format: "%.4f,%.4f", p.0, p.1), default: 0] += 1 } }
        #expect(ends.values.allSatisfy { $0 == 2 })
    }
}
