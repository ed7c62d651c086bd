import Foundation
import Testing
import Crystallography
import CrystalMaps
import EBSDPipeline
import EBSDViewer
import Figures
import PatternMatching
import PatternSimulation
import TestSupport

@Suite struct MapViewerTests {
    /// Points spread over the sample's grains.
    static let points = [0, 57, 640, 1234, 1999, 2399]

    @Test func aPointsPatternIsTheStacksAndItsSimulationIsTheMatchersPattern() throws {
        let v = try DemoViewer.open()
        let p = try #require(v.patterns, "\(v.patternsUnavailable ?? "")")
        #expect(v.patternsUnavailable == nil)
        // the reference recipe's matching signal (psf 0.8 from its match step) and its master pattern
        let mp = try #require(p.master)
        #expect(mp.phase.name == "Na")
        #expect(p.signal.simulatedBlur?.sigma == 0.8)
        for i in Self.points where v.map.isIndexed(i) {
            let views = try v.patternViews(i)
            #expect(views.raw == (try p.stack.read(i..<(i + 1))), "point \(i): the pattern shown is the stack's")
            // the NCC the page shows equals the matcher's score of the same pattern at the same orientation
            let prepared = p.signal.prepareExperimental(views.raw, count: 1)
            let projector = PatternProjector(master: mp.pattern, detector: p.signal.detector)
            var scratch = [Float](repeating: 0, count: 2 * p.signal.detector.pixelCount)
            var packed = [Float](repeating: 0, count: p.signal.length)
            let score = prepared.withUnsafeBufferPointer { pr in
                scratch.withUnsafeMutableBufferPointer { s in
                    packed.withUnsafeMutableBufferPointer { k in
                        p.signal.score(pr.baseAddress!, projector, v.map.rotations[i], scratch: s.baseAddress!, packed: k.baseAddress!)
                    }
                }
            }
            let ncc = try #require(views.ncc)
            #expect(abs(ncc - Double(score)) < 1e-3, "point \(i): NCC \(ncc) vs the matcher's \(score)")
            #expect(ncc > 0.15, "point \(i): NCC \(ncc) at the true orientation")
        }
    }

    @Test func predictedBandsLieOnTheDetectedOnes() throws {
        let v = try DemoViewer.open()
        let p = try #require(v.patterns)
        var matched = 0, matchedWrong = 0, detected = 0
        // a control: the same bands predicted at an orientation 30° away about [0 0 1]
        let turn = Rotation(axis: [0, 0, 1], angle: 30 * .pi / 180)
        for i in Self.points where v.map.isIndexed(i) {
            let views = try v.patternViews(i)
            #expect(views.predictedBands.count >= 8, "point \(i): \(views.predictedBands.count) bands predicted")
            #expect(views.predictedBands.allSatisfy { $0.family?.hasPrefix("{") == true && $0.hkl?.count == 3 })
            let library = p.hough.indexer.libraries[0]
            let wrong = library.normals.compactMap { BandLine(plane: $0, orientation: turn * v.map.rotations[i], detector: p.detector) }
            for d in views.detectedBands {
                detected += 1
                // same line: θ within 2° (mod 180°, with ρ's sign flipping) and ρ within 0.04
                if views.predictedBands.contains(where: { Self.sameLine($0, d) }) { matched += 1 }
                if wrong.contains(where: { Self.sameLine($0, d) }) { matchedWrong += 1 }
            }
        }
        #expect(detected > 30)
        // the synthetic 60 × 60 Na patterns are weak: some detected bands are noise
        #expect(Double(matched) >= 0.6 * Double(detected), "\(matched) of \(detected) detected bands on a predicted one")
        #expect(Double(matchedWrong) <= 0.2 * Double(detected), "\(matchedWrong) of \(detected) at a wrong orientation")
    }

    static func sameLine(_ a: BandLine, _ b: BandLine) -> Bool {
        var dt = abs(a.thetaDegrees - b.thetaDegrees).truncatingRemainder(dividingBy: 360)
        var rho = b.rho
        if abs(dt - 180) < 10 {
            dt = abs(dt - 180)
            rho = -rho
        } else if dt > 180 {
            dt = 360 - dt
        }
        return dt < 2 && abs(a.rho - rho) < 0.04
    }

    @Test func aPointsRecordIsTheMaps() throws {
        let v = try DemoViewer.open()
        let truth = try MapFile.read(DemoViewer.sample + "/truth.ang")
        for i in Self.points {
            let r = try #require(v.point(i))
            #expect(r.row == i / 100 && r.column == i % 100)
            #expect(r.x == Double(i % 100) * 3 && r.y == Double(i / 100) * 3)
            for (name, values) in truth.properties where values[i].isFinite {
                #expect(r.properties[name] == Double(values[i]), "point \(i) \(name)")
            }
            if truth.isIndexed(i) {
                let e = truth.rotations[i].euler, shown = try #require(r.euler)
                #expect(abs(shown[0] - e.phi1 * 180 / .pi) < 1e-9 && abs(shown[1] - e.Phi * 180 / .pi) < 1e-9)
                #expect(r.phase == "Na")
            }
            for n in r.neighbours {
                let j = n.row * 100 + n.column
                if let d = n.disorientation {
                    #expect(abs(d - truth.disorientationAngle(i, j) * 180 / .pi) < 1e-9)
                }
            }
            if let g = r.grain {
                #expect(g.pixels == v.points(ofGrain: g.id).count)
                #expect(v.points(ofGrain: g.id).contains(i))
                #expect(g.gos >= 0 && (g.maximumSpread ?? 0) >= g.gos)
            }
        }
        #expect(v.point(-1) == nil)
        #expect(v.point(2400) == nil)
        #expect(v.grain(v.grains.grains.count) == nil)
    }

    @Test func aGrainsAverageIsTheMeanOfItsPatterns() throws {
        let v = try DemoViewer.open()
        let p = try #require(v.patterns)
        // a grain small enough that every point is averaged
        let g = try #require(v.grains.grains.first { (20...ViewerPatterns.grainAverageLimit).contains($0.pixelCount) })
        let views = try v.grainViews(g.id)
        let pts = v.points(ofGrain: g.id)
        var mean = [Double](repeating: 0, count: 3600)
        for i in pts {
            for (k, x) in (try p.stack.read(i..<(i + 1))).enumerated() { mean[k] += Double(x) }
        }
        let largest = zip(views.raw, mean).map { abs(Double($0) - $1 / Double(pts.count)) }.max() ?? 1
        #expect(pts.count <= 400 && largest < 1e-3, "\(pts.count) points; largest difference \(largest)")
        #expect((views.ncc ?? 0) > 0.2, "the average fits the simulation at the grain's mean orientation")
    }

    @Test func tilesAreTheFiguresColoursAtEveryLevel() throws {
        let v = try DemoViewer.open()
        let layer = try #require(v.layer("ipf-z"))
        let colours = MapRenderer.colors(v.map, .ipf([0, 0, 1]))
        let tile = try #require(v.tile(layer, level: 0, x: 0, y: 0, boundaries: false))
        #expect(tile.width == 100 && tile.height == 24)
        for i in 0..<v.map.count {
            #expect(tile.pixels[3 * i] == colours[i].0 && tile.pixels[3 * i + 1] == colours[i].1 && tile.pixels[3 * i + 2] == colours[i].2)
        }
        #expect(v.tile(layer, level: 0, x: 1, y: 0, boundaries: false) == nil)
        #expect(v.tile(layer, level: 1, x: 0, y: 0, boundaries: false) == nil)
        // with boundaries: every point left of or above a HAGB edge is black
        let b = try #require(v.tile(layer, level: 0, x: 0, y: 0, boundaries: true))
        for i in 0..<v.map.count where v.boundaries.right[i] == .high || v.boundaries.down[i] == .high {
            #expect(b.pixels[3 * i] == 0 && b.pixels[3 * i + 1] == 0 && b.pixels[3 * i + 2] == 0)
        }
        // a 3000 × 5000 map: five levels; the top one holds the whole map in one tile of every 32nd point
        let t = MapTiles(rows: 3000, columns: 5000)
        #expect(t.topLevel == 5 && t.tileCount(level: 5) == (1, 1) && t.tileCount(level: 0) == (20, 12))
        var rgb = [UInt8](repeating: 7, count: 3 * 3000 * 5000)
        for i in 0..<(3000 * 5000) {
            rgb[3 * i] = UInt8(truncatingIfNeeded: i % 5000)
            rgb[3 * i + 1] = UInt8(truncatingIfNeeded: i / 5000)
        }
        let top = try #require(t.tile(rgb, level: 5, x: 0, y: 0, boundaries: nil))
        #expect(top.width == 157 && top.height == 94)
        #expect(top.pixels[3 * (10 * 157 + 20)] == UInt8(20 * 32 % 256) && top.pixels[3 * (10 * 157 + 20) + 1] == UInt8(10 * 32 % 256))
        #expect(!t.contains(level: 0, x: 20, y: 0) && !t.contains(level: 6, x: 0, y: 0) && t.contains(level: 0, x: 19, y: 11))
    }

    @Test func requestsParseOnlyTheirOwnShapes() {
        #expect(ViewerRequest(path: "/") == .page)
        #expect(ViewerRequest(path: "/index.html") == .page)
        #expect(ViewerRequest(path: "/api/info") == .info)
        #expect(ViewerRequest(path: "/api/point/12") == .point(12))
        #expect(ViewerRequest(path: "/api/patterns/0") == .patterns(0))
        #expect(ViewerRequest(path: "/api/grain/3") == .grain(3))
        #expect(ViewerRequest(path: "/tile/ipf-x/2/3/4.png") == .tile(layer: "ipf-x", level: 2, x: 3, y: 4, boundaries: false))
        #expect(ViewerRequest(path: "/tile/kam/0/0/1-b.png") == .tile(layer: "kam", level: 0, x: 0, y: 1, boundaries: true))
        for bad in [
            "/../etc/passwd", "/api/point/../../x", "/api/point/-1", "/api/point/1e3", "/api/point/", "/api/point/１２",
            "/api/point/99999999999999999999", "/tile/ipf-x/0/0/0", "/tile//0/0/0.png", "/api/info/x", "/index.htm", "//",
            "/api/file/etc/passwd", "/tile/ipf-x/0/0/../0.png",
        ] {
            #expect(ViewerRequest(path: bad) == .notFound, "\(bad)")
        }
    }

    @Test func theMapIsShownWhenItsPatternsAreNot() throws {
        // no recipe record: the map alone, and why
        let bare = try MapViewer.open(outputFolder: try DemoViewer.folder(recipe: nil))
        #expect(bare.patterns == nil)
        #expect(bare.patternsUnavailable?.contains(RecipeSource.fileName) == true)
        #expect(bare.point(5)?.phase == "Na")
        #expect(throws: ViewerError.self) { try bare.patternViews(5) }
        // a map of another size than the stack: the stack is not this map's
        let other = SharedData.packageRoot.appendingPathComponent("SampleMaps/na-foil-topview/truth.ang").path
        let mismatched = try MapViewer.open(outputFolder: try DemoViewer.folder(map: other))
        let why = try #require(mismatched.patternsUnavailable)
        #expect(why.contains("2400 patterns") && why.contains("not this map's stack"), "\(why)")
        // the recipe moved away
        let gone = try MapViewer.open(outputFolder: try DemoViewer.folder(recipe: "/nonexistent/recipe.yaml"))
        #expect(gone.patternsUnavailable?.contains("/nonexistent/recipe.yaml") == true, "\(gone.patternsUnavailable ?? "")")
        // a folder without final.ang is refused with its name
        let empty = SharedData.temporaryFolder("viewer-empty")
        #expect { try MapViewer.open(outputFolder: empty) } throws: { "\($0)".contains(empty) && "\($0)".contains("final.ang") }
    }
}
