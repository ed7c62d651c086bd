import Foundation
import Testing
import CrystalMaps
import EBSDViewer
import TestSupport

/// The page in a real browser: headless Chromium (Debian's `chromium`, which `make test` installs) loads the viewer,
/// clicks a map point through the page's test hook (`#select=ROW,COL`: mouse events on the map canvas at that point),
/// and the DOM it dumps holds what the page shows: the pattern canvas's pixels and the point's record.
@Suite(.serialized) struct ViewerBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs headless Chromium on `url` with `arguments` (e.g. --dump-dom); its standard output.
    static func browse(_ url: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium!)
        let profile = SharedData.temporaryFolder("chromium-profile")
        p.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)", "--window-size=1400,900",
            "--virtual-time-budget=20000",
        ] + arguments + [url]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try? FileManager.default.removeItem(atPath: profile)
        return String(decoding: data, as: UTF8.self)
    }

    /// The JSON the page's hook wrote into <pre id="shown">.
    static func shown(_ dom: String) throws -> [String: Any] {
        guard let start = dom.range(of: "<pre id=\"shown\" style", options: .backwards),
            let open = dom[start.upperBound...].firstIndex(of: ">"),
            let end = dom[open...].range(of: "</pre>")
        else { throw ViewerError("the page wrote nothing into <pre id=\"shown\"> (\(dom.count) bytes of DOM)") }
        let text = String(dom[dom.index(after: open)..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    @Test func aClickShowsThePointsPatternAndFiguresOfMerit() throws {
        guard Self.chromium != nil else {
            print("SKIPPED: ViewerBrowserTests: no chromium (make test installs Debian's chromium; it could not be installed here)")
            return
        }
        let viewer = try DemoViewer.open()
        let server = try ViewerServer(viewer: viewer)
        defer { server.stop() }
        let stack = try #require(viewer.patterns?.stack)
        for (row, col) in [(12, 34), (0, 0), (23, 99), (5, 71)] {
            let i = row * 100 + col
            let shown = try Self.shown(try Self.browse(server.url + "#select=\(row),\(col)", ["--dump-dom"]))
            #expect((shown["errors"] as? [Any])?.isEmpty == true, "\(shown["errors"] ?? "")")
            #expect(shown.int("selected") == i)
            // the pattern canvas holds the stack's pattern, pixel for pixel (8-bit stack, shown as read)
            let raw = try #require(shown.doubles("raw"))
            let expected = try stack.read(i..<(i + 1)).map(Double.init)
            let differing = zip(raw, expected).filter { $0 != $1 }.count
            #expect(raw == expected, "point (\(row), \(col)): \(raw.count) pixels shown, \(differing) differ")
            // the figures of merit listed are the map's
            let record = try #require(shown.dict("record"))
            let props = try #require(record.dict("properties"))
            for (name, values) in viewer.map.properties where values[i].isFinite {
                #expect(props.double(name) == Double(values[i]), "\(name) at (\(row), \(col))")
            }
            #expect(record.string("phase") == (viewer.map.isIndexed(i) ? "Na" : nil))
            #expect(shown.double("ncc") != nil)
        }
        // a screenshot of the page after a click, for the eye (its path is printed)
        let shot = SharedData.temporaryFolder("viewer-shot") + "/viewer.png"
        _ = try Self.browse(server.url + "#select=12,34", ["--screenshot=\(shot)"])
        let size = (try? FileManager.default.attributesOfItem(atPath: shot)[.size] as? Int) ?? 0
        #expect(size > 10_000, "screenshot \(shot): \(size) bytes")
        print("viewer screenshot: \(shot)")
    }

    @Test func withoutItsStackThePageShowsTheMapAndSaysWhy() throws {
        guard Self.chromium != nil else {
            print("SKIPPED: ViewerBrowserTests: no chromium (make test installs Debian's chromium; it could not be installed here)")
            return
        }
        let other = SharedData.packageRoot.appendingPathComponent("SampleMaps/na-foil-topview/truth.ang").path
        let viewer = try MapViewer.open(outputFolder: try DemoViewer.folder(map: other))
        let server = try ViewerServer(viewer: viewer)
        defer { server.stop() }
        let dom = try Self.browse(server.url + "#select=3,4", ["--dump-dom"])
        let shown = try Self.shown(dom)
        #expect(shown.int("selected") == 3 * viewer.map.grid.columns + 4)
        #expect((shown.string("unavailable") ?? "").contains("not this map's stack"))
        #expect(dom.contains("Patterns unavailable:") && dom.contains("not this map's stack"))
        #expect(shown.dict("record")?.string("phase") == "Na")
    }
}
