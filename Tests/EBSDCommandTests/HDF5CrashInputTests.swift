import Foundation
import Testing
import TestSupport

/// The four inputs on which libhdf5 itself crashes or exhausts memory (Fuzz/crashes/*/libhdf5-*), given to `ebsd`:
/// one line naming the file and the cause, exit 1 (the HDF5 probe refuses them before this process opens them).
@Suite struct HDF5CrashInputTests {
    static let inputs = [
        ("h5master", "libhdf5-segv-18a995dd807029970430a5b4153516771ea8a1f1"),
        ("h5master", "libhdf5-segv-ea84110ef60b2c07ce135a083b3a1acebd3c8c6a"),
        ("h5stack", "libhdf5-segv-24eb5fc125ca4652e4841c98846a8e09ff8c49ab"),
        ("h5stack", "libhdf5-oom-21966a2aa6272a1c0a599a55f907622042e268b4"),
    ]

    @Test(arguments: 0..<inputs.count)
    func oneLineAndExitOne(_ k: Int) throws {
        let (reader, name) = Self.inputs[k]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).h5").path
        try FileManager.default.copyItem(atPath: SharedData.packageRoot.path + "/Fuzz/crashes/\(reader)/\(name)", toPath: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sample = SharedData.packageRoot.path + "/SampleMaps/na-electrodeposit-cross-section/patterns.tif"
        let arguments =
            reader == "h5stack"
            ? ["stack", "info", path]
            : ["index", "match", sample, "--master", path, "--pc", "0.5,0.5,0.6", "-o", path + ".ang"]
        let r = try runEBSD(arguments)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(r.stderr.contains(path) && r.stderr.contains("a damaged HDF5 file: libhdf5"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path + ".ang"))
    }
}
