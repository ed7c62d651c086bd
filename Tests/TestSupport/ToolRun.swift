import Foundation

/// A program a test ran that failed: its command line, exit status (or signal) and the last lines of its
/// standard error, so the test's failure says why (a peer tool's traceback, a Slurm command's complaint).
public struct ToolFailure: Error, CustomStringConvertible {
    public let command: [String]
    public let status: Int32
    public let signalled: Bool
    public let stderrTail: String
    public let reason: String

    /// One argument as a failure shows it: on one line, at most `shownArgumentLength` characters.
    func shown(_ argument: String) -> String {
        let line = argument.replacingOccurrences(of: "\n", with: "⏎")
        return line.count <= Self.shownArgumentLength ? line : line.prefix(Self.shownArgumentLength) + "…"
    }

    static let shownArgumentLength = 80

    public var description: String {
        let how = signalled ? "killed by signal \(status)" : "exit status \(status)"
        let name = ([(command.first.map { ($0 as NSString).lastPathComponent } ?? "")] + command.dropFirst().prefix(4).map(shown))
            .joined(separator: " ")
        return "\(name): \(reason) (\(how)); its stderr ends:\n\(stderrTail.isEmpty ? "(nothing)" : stderrTail)"
    }
}

/// What a finished program printed.
public struct ToolOutput {
    public let command: [String]
    public let stdout: Data
    public let stderr: String

    /// Standard output parsed as JSON of type `T` (an object by default); a `ToolFailure` with the stderr tail
    /// when it is not that.
    public func json<T>(_ type: T.Type = [String: Any].self) throws -> T {
        guard let value = try? JSONSerialization.jsonObject(with: stdout) as? T else {
            throw ToolFailure(
                command: command, status: 0, signalled: false, stderrTail: ToolRun.tail(stderr),
                reason: "printed no JSON \(T.self) (\(stdout.count) bytes on stdout, beginning: \(text.prefix(120).debugDescription))")
        }
        return value
    }

    /// Standard output as text.
    public var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs programs for the tests: standard output and standard error captured through temporary files (no pipe can
/// fill and stall the program), and a non-zero exit turned into a `ToolFailure` that carries the stderr tail.
public enum ToolRun {
    /// How many lines of standard error a failure quotes.
    public static let tailLines = 25

    /// Runs `arguments[0]` (a path, or a program found on PATH) with `environment` added to this process's.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolOutput {
        let folder = SharedData.temporaryFolder("ebsd-tool")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outPath = folder + "/stdout", errPath = folder + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try? out.close()
        try? err.close()
        let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
        let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        guard p.terminationReason == .exit, p.terminationStatus == 0 else {
            throw ToolFailure(
                command: arguments, status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
                stderrTail: tail(stderr), reason: "failed")
        }
        return ToolOutput(command: arguments, stdout: stdout, stderr: stderr)
    }

    /// The last `tailLines` lines of `text`.
    public static func tail(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(tailLines).joined(separator: "\n")
    }
}
