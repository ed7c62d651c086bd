import Foundation
import Testing
import TestSupport

/// Disk faults while writing maps and figures, on small tmpfs mounts the test makes and removes (root only): a full
/// device in the middle of a write, a read-only file system, an output path that is a folder. Each gives one line
/// naming the file and the cause, exit 1, no partial or temporary file, and the previous output intact.
/// Whether this process may mount tmpfs (root, and a kernel/container that allows it): probed once.
let tmpfsMountsAvailable: Bool = {
    guard getuid() == 0 else { return false }
    let probe = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-mount-probe-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: probe) }
    guard DiskFaultTests.shell("mount -t tmpfs -o size=16k tmpfs '\(probe)'") == 0 else { return false }
    return DiskFaultTests.shell("umount '\(probe)'") == 0
}()

@Suite(.serialized, .enabled(if: tmpfsMountsAvailable, "needs root and tmpfs mounts (mount -t tmpfs) to make full and read-only disks"))
struct DiskFaultTests {
    @discardableResult static func shell(_ command: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command + " 2>/dev/null"]
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    var sample: String { SharedData.packageRoot.path + "/SampleMaps/na-electrodeposit-cross-section/indexed.ang" }

    /// Runs `body` with a tmpfs of `kilobytes` at a fresh folder (read-only after `prepare` when asked), then removes it.
    func withDisk(
        kilobytes: Int, readOnly: Bool = false, prepare: (String) throws -> Void = { _ in }, _ body: (String) throws -> Void
    ) throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-disk-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        defer {
            Self.shell("umount '\(mount)'")
            try? FileManager.default.removeItem(atPath: mount)
        }
        try #require(Self.shell("mount -t tmpfs -o size=\(kilobytes)k tmpfs '\(mount)'") == 0)
        try prepare(mount)
        if readOnly { try #require(Self.shell("mount -o remount,ro '\(mount)'") == 0) }
        try body(mount)
    }

    /// The map and figure writers: the file each `ebsd` command writes.
    static let writers = ["map.ang", "map.ctf", "map.h5", "ipf.png"]

    /// The command writing `file` from `input` to `output`.
    func arguments(_ file: String, _ input: String, _ output: String) -> [String] {
        file.hasSuffix(".png") ? ["ipf", input, "-o", output, "--width-mm", "180"] : ["convert", input, output]
    }

    @Test(arguments: 0..<writers.count)
    func aFullDeviceLeavesThePreviousFileAndNoTemporaryOne(_ k: Int) throws {
        let file = Self.writers[k]
        let previous = Data("the previous output\n".utf8)
        try withDisk(kilobytes: 16, prepare: { try previous.write(to: URL(fileURLWithPath: $0 + "/" + file)) }) { disk in
            let target = disk + "/" + file
            let r = try runEBSD(arguments(file, sample, target))
            #expect(r.status == 1, "\(r.stderr)")
            #expect(r.stderr.hasPrefix("ebsd: \(target): cannot write"), "\(r.stderr)")
            #expect(r.stderr.contains("no space left on the device"), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == previous, "the previous file is intact")
            #expect(try FileManager.default.contentsOfDirectory(atPath: disk) == [file], "no temporary file is left")
        }
    }

    @Test(arguments: 0..<writers.count)
    func aReadOnlyFileSystemIsNamed(_ k: Int) throws {
        let file = Self.writers[k]
        try withDisk(kilobytes: 1024, readOnly: true) { disk in
            let r = try runEBSD(arguments(file, sample, disk + "/" + file))
            #expect(r.status == 1, "\(r.stderr)")
            #expect(r.stderr.contains("\(disk)/\(file): cannot write") && r.stderr.contains("read-only"), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: disk).isEmpty)
        }
    }

    @Test(arguments: 0..<writers.count)
    func anOutputPathThatIsAFolderIsRefused(_ k: Int) throws {
        let file = Self.writers[k]
        try withDisk(kilobytes: 1024) { disk in
            let target = disk + "/" + file
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
            let r = try runEBSD(arguments(file, sample, target))
            #expect(r.status == 1, "\(r.stderr)")
            #expect(r.stderr.contains("\(target): cannot write: it is a folder"), "\(r.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: disk) == [file])
            #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
        }
    }
}
