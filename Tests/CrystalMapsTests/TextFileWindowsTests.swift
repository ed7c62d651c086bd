import EBSDCore
import Foundation
import Testing
import TestSupport
@testable import CrystalMaps
@testable import Crystallography

/// Text maps read window by window (``TextFileWindows``, ``TextMapRecords``) against the same files read whole: the
/// windows give back every line with its number in the file, and a map read in windows of a few kB (many windows, the
/// switch from scan order to coordinates inside a later window) is the map read in one.
@Suite struct TextFileWindowsTests {
    /// Every field of two maps equal (rotations to the bit).
    func expectSame(_ a: CrystalMap, _ b: CrystalMap, _ label: String) {
        #expect(a.grid == b.grid, "\(label): grid")
        #expect(a.phases.map(\.id) == b.phases.map(\.id) && a.phases.map(\.phase.name) == b.phases.map(\.phase.name), "\(label): phases")
        #expect(a.phaseIndex == b.phaseIndex, "\(label): phase index")
        #expect(a.rotations.map(\.q) == b.rotations.map(\.q), "\(label): rotations")
        #expect(a.properties == b.properties, "\(label): properties")
        #expect(a.metadata == b.metadata, "\(label): metadata")
    }

    @Test func windowsGiveEveryLineWithItsNumber() throws {
        let dir = SharedData.temporaryFolder("windows")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/lines.txt"
        var rng = SplitMix64(seed: 7)
        var text = ""
        for i in 0..<400 {
            let length = Int(rng.next() % 90)
            text += String(repeating: "x", count: length) + " \(i)" + (i % 7 == 0 ? "\r\n" : "\n")
            if i % 50 == 3 { text += "\n" }
        }
        text += "last line without a break"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let whole = try TextBuffer(path: path)
        let start = 5
        for window in [100, 257, 4096, 1 << 20] {
            let file = try TextFileWindows(path: path, windowBytes: window)
            var lines: [(Int, String)] = []
            try file.forEachWindow(from: whole.lineStarts[start], firstLine: start) { w in
                for i in 0..<w.lineCount { lines.append((w.lineOffset + i, w.line(i))) }
            }
            #expect(lines.map(\.0) == Array(start..<whole.lineCount), "window \(window): line numbers")
            #expect(lines.map(\.1) == (start..<whole.lineCount).map { whole.line($0) }, "window \(window): lines")
        }
        // a line longer than a window is refused with its number
        let file = try TextFileWindows(path: path, windowBytes: 40)
        #expect(throws: MapFileError.self) { try file.forEachWindow(from: 0, firstLine: 0) { _ in } }
    }

    @Test(.needsSharedData) func realAngMapsReadInSmallWindowsAreTheMapsReadWhole() throws {
        for name in ["in100_ni_out_of_order.ang", "sdss_ferrite_austenite.ang"] {
            let path = SharedData.path("data/maps/\(name)")
            let whole = try AngFile.read(path, windowBytes: 1 << 30)
            expectSame(try AngFile.read(path, windowBytes: 4096), whole, name)
        }
    }

    /// A file in scan order for its first windows whose records go off the scan later: read in small windows, it is
    /// the file as written (two records swapped at the end change no pixel: points are placed by their coordinates).
    @Test(.needsSharedData) func recordsOffTheScanInALaterWindowArePlacedByCoordinates() throws {
        let path = SharedData.path("data/maps/sdss_ferrite_austenite.ang")
        let whole = try AngFile.read(path)
        let dir = SharedData.temporaryFolder("windows")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        while lines.last?.isEmpty == true { lines.removeLast() }
        lines.swapAt(lines.count - 1, lines.count - 30)
        let swapped = dir + "/swapped.ang"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: swapped))
        expectSame(try AngFile.read(swapped, windowBytes: 4096), whole, "swapped records")
        // written as .ctf and read back in small windows: the same as read whole
        let ctf = dir + "/map.ctf"
        try CtfFile.write(whole, to: ctf)
        expectSame(try CtfFile.read(ctf, windowBytes: 2048), try CtfFile.read(ctf, windowBytes: 1 << 30), "ctf")
    }
}
