// Coverage-guided fuzzing of every file reader (libFuzzer).
//
// Build (a separate scratch folder, so the normal build is untouched):
//   swift build -c release --product fuzz-readers --scratch-path .build-fuzz \
//       -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
// (Debian's gold linker fails on the libFuzzer objects; lld links them.)
// Run one reader (FUZZ_READER = ang, ctf, osc, cpr, tiff, png, nordif, up1, up2, ebsp, master, recipe, h5stack, h5map, h5master, pcmap):
//   FUZZ_READER=ang .build-fuzz/release/fuzz-readers -max_total_time=600 Fuzz/corpus/ang
// Without -DFUZZING the same executable replays files (regression runs):
//   FUZZ_READER=ang .build/debug/fuzz-readers Fuzz/crashes/ang/*
import Foundation
import CrystalMaps
import EBSDImageIO
import PatternSimulation
import PatternStacks
import EBSDPipeline

/// Writes the input to a per-process temporary file with the reader's extension and reads it.
/// Any thrown error is a correct outcome; only a crash, a hang or a sanitizer report is a finding.
func exercise(_ data: Data, reader: String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    switch reader {
    case "ang", "ctf", "osc":
        let p = dir.appendingPathComponent("x.\(reader)").path
        FileManager.default.createFile(atPath: p, contents: data)
        _ = try? MapFile.read(p)
    case "cpr":
        // first half: .cpr text, second half: .crc binary (split at the first NUL or in the middle)
        let cut = data.firstIndex(of: 0) ?? data.count / 2
        let cpr = dir.appendingPathComponent("x.cpr").path, crc = dir.appendingPathComponent("x.crc").path
        FileManager.default.createFile(atPath: cpr, contents: data.prefix(upTo: cut))
        FileManager.default.createFile(atPath: crc, contents: data.suffix(from: cut))
        _ = try? MapFile.read(cpr)
    case "tiff", "up1", "up2", "ebsp":
        let p = dir.appendingPathComponent("x.\(reader == "tiff" ? "tif" : reader)").path
        FileManager.default.createFile(atPath: p, contents: data)
        if let s = try? PatternStack.open(p), s.count > 0 {
            _ = try? s.read(0..<min(s.count, 4))
        }
    case "nordif":
        let folder = dir.appendingPathComponent("nordif")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let cut = data.firstIndex(of: 0) ?? data.count / 2
        FileManager.default.createFile(atPath: folder.appendingPathComponent("Setting.txt").path, contents: data.prefix(upTo: cut))
        FileManager.default.createFile(atPath: folder.appendingPathComponent("Pattern.dat").path, contents: data.suffix(from: cut))
        if let s = try? PatternStack.open(folder.path), s.count > 0 { _ = try? s.read(0..<min(s.count, 4)) }
    case "png":
        let p = dir.appendingPathComponent("x.png").path
        FileManager.default.createFile(atPath: p, contents: data)
        _ = try? PNGImage.read(p)
        // as a one-image stack: 8- or 16-bit, gray or colour
        if let s = try? PatternStack.open(p), s.count > 0 { _ = try? s.read(0..<1) }
    case "master":
        let p = dir.appendingPathComponent("x.tif").path
        FileManager.default.createFile(atPath: p, contents: data)
        _ = try? MasterPattern.read(p)
    case "h5stack", "h5map", "h5master":
        let p = dir.appendingPathComponent("x.h5").path
        FileManager.default.createFile(atPath: p, contents: data)
        switch reader {
        case "h5stack":
            if let s = try? PatternStack.open(p), s.count > 0 {
                _ = try? s.read(0..<min(s.count, 4))
                _ = try? Detector(stack: s)
            }
        case "h5map": _ = try? MapFile.read(p)
        default: _ = try? MasterPattern.read(p)
        }
    case "recipe":
        _ = try? PipelineRecipe.parse(String(decoding: data, as: UTF8.self), path: "fuzz.yaml")
    case "pcmap":
        let p = dir.appendingPathComponent("pc.json").path
        FileManager.default.createFile(atPath: p, contents: data)
        if let m = try? PCMap.read(p) { _ = m.pc(row: m.mapRows - 1, column: m.mapColumns - 1) }
    default:
        fatalError(
            "FUZZ_READER must be one of ang, ctf, osc, cpr, tiff, png, nordif, up1, up2, ebsp, master, recipe, h5stack, h5map, h5master, "
                + "pcmap")
    }
}

let fuzzReader = ProcessInfo.processInfo.environment["FUZZ_READER"] ?? "ang"

#if FUZZING
// libFuzzer's own driver, entered from the executable's entry point (SwiftPM links `main` to
// FuzzReaders_main, so libFuzzer's main is not pulled in).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("FuzzReaders_main")
public func fuzzReadersMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var c = argc
    var v = argv
    return LLVMFuzzerRunDriver(&c, &v) { bytes, size in
        exercise(bytes.map { Data(bytes: $0, count: size) } ?? Data(), reader: fuzzReader)
        return 0
    }
}
#else
@main enum FuzzReplay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let d = FileManager.default.contents(atPath: path) else { continue }
            exercise(d, reader: fuzzReader)
            print("ok \(path)")
        }
    }
}
#endif
