import Foundation
import Testing
import TestSupport
import PatternSimulation
@testable import PatternStacks
@testable import EBSDImageIO

let kikuchipyAvailable = PeerPython.has("kikuchipy")

/// Test files of the vendor layouts, written here byte by byte.
enum VendorFixtures {
    static func patterns(_ n: Int, _ rows: Int, _ cols: Int, max: Int) -> [[Int]] {
        (0..<n).map { k in (0..<(rows * cols)).map { ($0 * 37 + k * 101 + ($0 / cols) * 7) % (max + 1) } }
    }
    static func up(
        _ path: String, version: UInt32, rows: Int, cols: Int, mapRows: Int, mapCols: Int, twoBytes: Bool, truncateBy: Int = 0,
        headerRows: Int? = nil
    ) -> [[Int]] {
        var d = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        u32(version)
        u32(UInt32(cols))
        u32(UInt32(rows))
        let offset: UInt32 = version >= 3 ? 42 : 16
        u32(offset)
        if version >= 3 {
            d.append(0)
            u32(UInt32(mapCols))
            u32(UInt32(headerRows ?? mapRows))
            d.append(0)
            withUnsafeBytes(of: 1.5) { d.append(contentsOf: $0) }
            withUnsafeBytes(of: 1.5) { d.append(contentsOf: $0) }
            d.append(contentsOf: [UInt8](repeating: 0, count: Int(offset) - d.count))
        }
        let pats = patterns(mapRows * mapCols, rows, cols, max: twoBytes ? 4000 : 255)
        for p in pats {
            for v in p {
                if twoBytes { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } } else { d.append(UInt8(v)) }
            }
        }
        try! d.prefix(d.count - truncateBy).write(to: URL(fileURLWithPath: path))
        return pats
    }
    static func ebsp(_ path: String, version: Int64, rows: Int, cols: Int, n: Int) -> [[Int]] {
        var d = Data()
        func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func i32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        i64(-version)
        if version > 3 { d.append(0) }
        let tableStart = d.count
        let header = version >= 5 ? 24 : 16, footer = 18
        let record = header + rows * cols + footer
        let first = tableStart + 8 * n
        // file order 0, n−1, …, 1 (the first record is the first map pixel, as in
        // real files; the rest out of order to exercise the position table)
        let fileOrder = [0] + Array((1..<n).reversed())
        for k in 0..<n { i64(Int64(first + fileOrder.firstIndex(of: k)! * record)) }
        let pats = patterns(n, rows, cols, max: 255)
        for k in fileOrder {
            if version >= 5 {
                i32(Int32(k % 6))
                i32(Int32(k / 6))
            }
            i32(0)
            i32(Int32(rows))
            i32(Int32(cols))
            i32(Int32(rows * cols))
            d.append(contentsOf: pats[k].map { UInt8($0) })
            d.append(1)
            withUnsafeBytes(of: Double(k % 6) * 1.5) { d.append(contentsOf: $0) }
            d.append(1)
            withUnsafeBytes(of: Double(k / 6) * 1.5) { d.append(contentsOf: $0) }
        }
        try! d.write(to: URL(fileURLWithPath: path))
        return pats
    }
}

@Suite(.needsSharedData) struct PatternStackTests {
    let dir: URL = {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-stack-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }()

    @Test func nordifReadsExactlyTheTIFFPixels() throws {
        let nordif = try PatternStack.open(SharedData.path("data/ni-nordif-3x3/nordif/Pattern.dat"))
        let tif = try PatternStack.open(SharedData.path("data/ni-nordif-3x3/patterns.tif"), mapShape: (3, 3))
        #expect(nordif.mapRows == 3 && nordif.mapColumns == 3 && nordif.patternRows == 60 && nordif.patternColumns == 60)
        #expect(try nordif.read(0..<9) == tif.read(0..<9))
        // The folder form finds Pattern.dat too.
        #expect(try PatternStack.open(SharedData.path("data/ni-nordif-3x3/nordif")).read(4..<5) == tif.read(4..<5))
    }

    @Test func bmpBackgroundMatchesTIFF() throws {
        let bmp = try BMPImage.read(SharedData.path("data/ni-nordif-3x3/nordif/Background acquisition pattern.bmp"))
        let tif = try TIFFReader(SharedData.path("data/ni-nordif-3x3/static_background.tif")).page(0)
        #expect(bmp.rows == 60 && bmp.columns == 60)
        #expect(bmp.pixels == tif)
    }

    @Test(arguments: [(UInt32(1), false), (UInt32(3), false), (UInt32(3), true)])
    func edaxUP(_ version: UInt32, _ twoBytes: Bool) throws {
        let path = dir.appendingPathComponent("p.\(twoBytes ? "up2" : "up1")").path
        let pats = VendorFixtures.up(path, version: version, rows: 12, cols: 16, mapRows: 2, mapCols: 3, twoBytes: twoBytes)
        let s = try PatternStack.open(path, mapShape: version == 1 ? (2, 3) : nil)
        #expect(s.mapRows == 2 && s.mapColumns == 3 && s.patternRows == 12 && s.patternColumns == 16)
        #expect(try s.read(0..<6) == pats.flatMap { $0.map(Float.init) })
    }

    @Test(
        .enabled(if: kikuchipyAvailable, "kikuchipy is not installed: the comparison with its reader is skipped"),
        arguments: [(UInt32(1), false), (UInt32(3), false), (UInt32(3), true)])
    func edaxUPAsKikuchipyReadsIt(_ version: UInt32, _ twoBytes: Bool) throws {
        let path = dir.appendingPathComponent("k.\(twoBytes ? "up2" : "up1")").path
        let pats = VendorFixtures.up(path, version: version, rows: 12, cols: 16, mapRows: 2, mapCols: 3, twoBytes: twoBytes)
        #expect(try kikuchipyRead(path, mapShape: (2, 3)) == pats.flatMap { $0.map(Float.init) }, "kikuchipy reads the same pixels")
        #expect(try PatternStack.open(path, mapShape: version == 1 ? (2, 3) : nil).read(0..<6) == pats.flatMap { $0.map(Float.init) })
    }

    @Test(arguments: [Int64(3), 5])
    func oxfordEbsp(_ version: Int64) throws {
        let path = dir.appendingPathComponent("p\(version).ebsp").path
        // kikuchipy's reader guesses the table length assuming ≥ 1600 pixels per pattern
        // (and enough patterns for its look-ahead)
        let pats = VendorFixtures.ebsp(path, version: version, rows: 40, cols: 42, n: 36)
        let s = try PatternStack.open(path, mapShape: (6, 6))
        #expect(s.patternRows == 40 && s.patternColumns == 42 && s.count == 36)
        #expect(try s.read(0..<36) == pats.flatMap { $0.map(Float.init) })
    }

    @Test(
        .enabled(if: kikuchipyAvailable, "kikuchipy is not installed: the comparison with its reader is skipped"), arguments: [Int64(3), 5])
    func oxfordEbspAsKikuchipyReadsIt(_ version: Int64) throws {
        let path = dir.appendingPathComponent("k\(version).ebsp").path
        let pats = VendorFixtures.ebsp(path, version: version, rows: 40, cols: 42, n: 36)
        #expect(try kikuchipyRead(path, mapShape: nil) == pats.flatMap { $0.map(Float.init) }, "kikuchipy reads the same pixels")
    }

    func kikuchipyRead(_ path: String, mapShape: (Int, Int)?) throws -> [Float] {
        let out = dir.appendingPathComponent("kp-\(UUID().uuidString).raw").path
        var args = [PeerPython.script("kikuchipy_read_stack.py"), path, out]
        if let m = mapShape { args += ["\(m.0)", "\(m.1)"] }
        _ = try PeerPython.run(args)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let d = try Data(contentsOf: URL(fileURLWithPath: out))
        return d.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Names with a running index place each image at its index (offset removed); the indices the names skip are holes.
    @Test func imageFolderByRunningIndex() throws {
        let folder = dir.appendingPathComponent("imgs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for k in [1, 2, 10] {
            try PNGImage(width: 4, height: 3, channels: 1, pixels: [UInt8](repeating: UInt8(k), count: 12)).write(
                to: folder.appendingPathComponent("pattern_\(k).png").path)
        }
        let s = try PatternStack.open(folder.path)
        #expect(s.count == 10 && s.missingPoints == Array(2...8))
        #expect(
            try s.read(0..<10).map { Int($0) } == [Int](repeating: 1, count: 12) + [Int](repeating: 2, count: 12)
                + [Int](repeating: 0, count: 7 * 12) + [Int](repeating: 10, count: 12))
    }

    @Test func streamingMeanAndTIFFWriter() throws {
        let path = dir.appendingPathComponent("w.tif").path
        try PatternStack.writeTIFF(path, rows: 5, columns: 4, mapShape: (2, 3), type: .uint16) { k in
            [Float](repeating: Float(k * 10), count: 20)
        }
        let s = try PatternStack.open(path)
        #expect(s.mapRows == 2 && s.mapColumns == 3, "map shape from the description")
        #expect(try s.meanPattern(chunkBytes: 4 * 20 * 4) == [Float](repeating: 25, count: 20))
    }

    // MARK: bad input

    @Test func truncatedTIFF() throws {
        let path = dir.appendingPathComponent("t.tif").path
        try PatternStack.writeTIFF(path, rows: 30, columns: 30, mapShape: (2, 5), type: .uint8) { k in
            (0..<900).map { Float(($0 + k) % 256) }
        }
        let d = try #require(FileManager.default.contents(atPath: path))
        try d.prefix(d.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(throws: PatternStackError.self) {
            let s = try PatternStack.open(path, mapShape: (2, 5))
            _ = try s.read(0..<10)
        }
    }

    @Test func pageCountNotRowsTimesColumns() throws {
        let path = dir.appendingPathComponent("c.tif").path
        try PatternStack.writeTIFF(path, rows: 4, columns: 4, mapShape: (2, 3), type: .uint8) { _ in [Float](repeating: 1, count: 16) }
        do {
            _ = try PatternStack.open(path, mapShape: (4, 4))
            Issue.record("should fail")
        } catch {
            #expect("\(error)".contains("6 patterns") && "\(error)".contains(path), "\(error)")
        }
    }

    @Test func up2HeaderMismatch() throws {
        let path = dir.appendingPathComponent("m.up2").path
        _ = VendorFixtures.up(path, version: 3, rows: 8, cols: 8, mapRows: 2, mapCols: 2, twoBytes: true, headerRows: 3)
        do {
            _ = try PatternStack.open(path)
            Issue.record("should fail")
        } catch {
            #expect("\(error)".contains(path) && "\(error)".contains("header"), "\(error)")
        }
    }

    /// Crashes the fuzzer found (2026-11-25), now clear errors: an EDAX header whose map size
    /// overflows the byte count, a NORDIF resolution of 0x0 (division by zero), an Oxford
    /// position table with a negative position (overflow).
    @Test func fuzzerFindings() throws {
        let up = dir.appendingPathComponent("huge.up1").path
        _ = VendorFixtures.up(up, version: 3, rows: 8, cols: 6, mapRows: 2, mapCols: 3, twoBytes: false)
        var d = try Data(contentsOf: URL(fileURLWithPath: up))
        d.replaceSubrange(17..<25, with: [UInt8](repeating: 0xFF, count: 8))  // map columns and rows 2³² − 1
        try d.write(to: URL(fileURLWithPath: up))
        do {
            _ = try PatternStack.open(up)
            Issue.record("should fail")
        } catch { #expect("\(error)".contains("not plausible"), "\(error)") }

        let nordif = dir.appendingPathComponent("nordif0")
        try FileManager.default.createDirectory(at: nordif, withIntermediateDirectories: true)
        try "[Acquisition settings]\nResolution\t0x0\n[Area]\nNumber of samples\t2x2\n".write(
            to: nordif.appendingPathComponent("Setting.txt"), atomically: true, encoding: .utf8)
        try Data(count: 64).write(to: nordif.appendingPathComponent("Pattern.dat"))
        do {
            _ = try PatternStack.open(nordif.path)
            Issue.record("should fail")
        } catch { #expect("\(error)".contains("resolution 0x0"), "\(error)") }

        let ebsp = dir.appendingPathComponent("neg.ebsp").path
        _ = VendorFixtures.ebsp(ebsp, version: 4, rows: 6, cols: 5, n: 4)
        var e = try Data(contentsOf: URL(fileURLWithPath: ebsp))
        e.replaceSubrange(9..<17, with: withUnsafeBytes(of: Int64.min.littleEndian) { Array($0) })  // first table entry
        try e.write(to: URL(fileURLWithPath: ebsp))
        do {
            _ = try PatternStack.open(ebsp)
            Issue.record("should fail")
        } catch { #expect("\(error)".contains("outside the file"), "\(error)") }

        // the fuzzer's input crash-3c26cf5a…: a first int64 of Int64.min (negating it overflowed)
        let minVersion = dir.appendingPathComponent("min.ebsp").path
        try Data([0, 0, 0, 0, 0, 0, 0, 0x80]).write(to: URL(fileURLWithPath: minVersion))
        do {
            _ = try PatternStack.open(minVersion)
            Issue.record("should fail")
        } catch { #expect("\(error)".contains("not an .ebsp version"), "\(error)") }

        // the fuzzer's TIFF crash-94e074c6…: a page of 65529 × 65535 pixels was allocated before
        // the read could fail (33 GB)
        let huge = SharedData.packageRoot.appendingPathComponent("Fuzz/crashes/tiff/crash-94e074c6006d0495d2b209476fc051dfc1ab5b48")
        let hugeTif = dir.appendingPathComponent("huge.tif")
        try FileManager.default.copyItem(at: huge, to: hugeTif)
        do {
            _ = try PatternStack.open(hugeTif.path)
            Issue.record("should fail")
        } catch { #expect("\(error)".contains("not plausible"), "\(error)") }
        do {
            _ = try MasterPattern.read(hugeTif.path)
            Issue.record("should fail")
        } catch { #expect("\(error)".contains("not plausible"), "\(error)") }
        // the fuzzer's master-pattern crash-b8200eb7…: a tiled page whose tiles claim 1768843629 × 11 pixels (77 GB)
        let tiles = dir.appendingPathComponent("tiles.tif")
        try FileManager.default.copyItem(
            at: SharedData.packageRoot.appendingPathComponent("Fuzz/crashes/master/crash-b8200eb773824be0bfec80afed7910cf91d36ffe"),
            to: tiles)
        do {
            _ = try MasterPattern.read(tiles.path)
            Issue.record("should fail")
        } catch { #expect("\(error)".contains("tiles of"), "\(error)") }
    }

    @Test func folderWithOneImageOfAnotherSize() throws {
        let folder = dir.appendingPathComponent("odd")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for k in 0..<3 {
            let w = k == 1 ? 5 : 4
            try PNGImage(width: w, height: 3, channels: 1, pixels: [UInt8](repeating: 9, count: w * 3)).write(
                to: folder.appendingPathComponent("p\(k).png").path)
        }
        let s = try PatternStack.open(folder.path)
        do {
            _ = try s.read(0..<3)
            Issue.record("should fail")
        } catch {
            #expect("\(error)".contains("p1.png") && "\(error)".contains("5×3"), "\(error)")
        }
    }
}
