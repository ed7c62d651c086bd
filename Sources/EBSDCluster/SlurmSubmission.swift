import Foundation
import EBSDPipeline

/// Submits a ``ClusterRun`` to Slurm with `sbatch`: a prepare job (skipped when its results are current), one
/// job array over the shards that are not finished (all of them the first time; after a failed or cancelled
/// task, only those), and a merge job after the array (`--dependency=afterok`). The job scripts are written to
/// `OUTPUT/slurm/` (`prepare.sbatch`, `shards.sbatch`, `merge.sbatch`; logs in `OUTPUT/slurm/logs/`) and run
/// this same `ebsd` program on the compute nodes, which must see the recipe, the inputs and the output folder
/// at the same paths (a cluster file system).
///
/// Before anything is submitted the scripts are checked with `sbatch --test-only` (Slurm's own error is passed
/// on, with the recipe line of `slurm.partition`); a submission that fails half-way cancels the jobs it made.
public struct SlurmSubmission {
    public let run: ClusterRun
    public let recipePath: String
    public let outputFolder: String
    public let settings: SlurmSettings
    /// The `ebsd` program the jobs run.
    public let executable: String
    /// Extra environment for the `sbatch`/`squeue`/`scancel` calls (e.g. `SLURM_CONF`); the process's own otherwise.
    public var environment: [String: String] = [:]

    public init(run: ClusterRun, recipePath: String, executable: String) throws {
        self.run = run
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : (cwd as NSString).appendingPathComponent(p) }
        self.recipePath = absolute(recipePath)
        outputFolder = absolute(run.runner.outputFolder)
        settings = run.runner.recipe.slurm ?? SlurmSettings()
        self.executable = executable
    }

    /// What was (or, for a dry run, would be) submitted.
    public struct Outcome: Sendable {
        /// `sbatch` command lines, in order.
        public var commands: [String] = []
        /// Job ids (prepare, array, merge: those submitted).
        public var jobs: [(name: String, id: String)] = []
        /// The shards the array runs.
        public var shards: [Int] = []
        public var prepare = false
        public var dryRun = false
        public var nothingToDo = false
        public var scriptsFolder = ""

        public var summary: String {
            if nothingToDo { return "slurm: every shard and the merge are finished; nothing to submit" }
            var lines = [
                (dryRun ? "slurm (dry run): would submit" : "slurm: submitted")
                    + " \(prepare ? "a prepare job, " : "")shards \(ShardList(shards)) as a job array, and the merge after it"
            ]
            lines += jobs.map { "  \($0.name): job \($0.id)" }
            lines += commands.map { "  \($0)" }
            lines.append(
                "  scripts and logs: \(scriptsFolder)" + (dryRun ? "" : "; watch with: squeue -j \(jobs.map(\.id).joined(separator: ","))"))
            return lines.joined(separator: "\n")
        }
    }

    var slurmFolder: String { (outputFolder as NSString).appendingPathComponent("slurm") }
    var submittedPath: String { (slurmFolder as NSString).appendingPathComponent("submitted.json") }

    /// Submits what is not finished (or, with `dryRun`, writes the scripts and says what it would submit).
    public func submit(dryRun: Bool = false) throws -> Outcome {
        var outcome = Outcome()
        outcome.dryRun = dryRun
        outcome.scriptsFolder = slurmFolder
        let status = run.status()
        outcome.shards = status.indices.filter { status[$0] != .finished }
        if outcome.shards.isEmpty && run.runner.isFinished {
            outcome.nothingToDo = true
            return outcome
        }
        outcome.prepare = !outcome.shards.isEmpty && !run.isPrepared
        let scripts = [("prepare", script(.prepare)), ("shards", script(.shards)), ("merge", script(.merge))]
        func scriptPath(_ name: String) -> String { (slurmFolder as NSString).appendingPathComponent("\(name).sbatch") }
        let array = "--array=\(ShardList(outcome.shards).slurmSpec)"
        var plan: [(name: String, options: [String], after: String?)] = []
        if outcome.prepare { plan.append(("prepare", [], nil)) }
        if !outcome.shards.isEmpty { plan.append(("shards", [array], outcome.prepare ? "prepare" : nil)) }
        plan.append(("merge", [], outcome.shards.isEmpty ? nil : "shards"))
        outcome.commands = plan.map { job in
            (["sbatch", "--parsable"] + job.options + (job.after.map { ["--dependency=afterok:<\($0) job>"] } ?? []) + [
                scriptPath(job.name)
            ])
            .joined(separator: " ")
        }
        if dryRun {
            try writeScripts(scripts, scriptPath)
            return outcome
        }
        let slurm = SlurmTools(environment: environment)
        try slurm.require("sbatch")
        try refuseIfStillQueued(slurm)
        // Slurm checks the options (partition, time, memory, account) before anything is written or submitted
        let test = try slurm.call("sbatch", ["--test-only", array], input: script(.shards))
        guard test.status == 0 else { throw RecipeError(slurmError("sbatch --test-only", test.stderr)) }
        try writeScripts(scripts, scriptPath)
        var ids: [String: String] = [:]
        for job in plan {
            let args =
                ["--parsable"] + job.options + (job.after.map { ["--dependency=afterok:\(ids[$0]!)"] } ?? []) + [scriptPath(job.name)]
            let r = try slurm.call("sbatch", args)
            guard r.status == 0, let id = r.stdout.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }),
                !id.isEmpty
            else {
                if !ids.isEmpty { _ = try? slurm.call("scancel", Array(ids.values)) }
                throw RecipeError(
                    slurmError("sbatch \(job.name)", r.stderr) + (ids.isEmpty ? "" : " (the jobs submitted before were cancelled)"))
            }
            ids[job.name] = id
            outcome.jobs.append((job.name, id))
        }
        let record = Submitted(jobs: ids, shards: outcome.shards)
        try writeAtomically(String(decoding: try JSONEncoder().encode(record), as: UTF8.self), to: submittedPath)
        return outcome
    }

    /// The job ids of the last submission (`slurm/submitted.json`).
    struct Submitted: Codable {
        var jobs: [String: String]
        var shards: [Int]
    }

    /// Refuses to submit while jobs of the last submission are still queued or running (they would run twice),
    /// except a merge left waiting for a failed array (`DependencyNeverSatisfied`), which is cancelled.
    func refuseIfStillQueued(_ slurm: SlurmTools) throws {
        guard let d = FileManager.default.contents(atPath: submittedPath), let last = try? JSONDecoder().decode(Submitted.self, from: d)
        else { return }
        let ids = last.jobs.values.sorted()
        let q = try slurm.call("squeue", ["-h", "-o", "%i %T %r", "-j", ids.joined(separator: ",")])
        guard q.status == 0 else { return }  // finished jobs are no longer known to squeue
        var waiting: [String] = []
        for line in q.stdout.split(separator: "\n") {
            let f = line.split(separator: " ").map(String.init)
            guard f.count >= 2 else { continue }
            if f[0] == last.jobs["merge"], f.count >= 3, f[2].contains("DependencyNeverSatisfied") {
                _ = try slurm.call("scancel", [f[0]])
            } else {
                waiting.append("\(f[0]) (\(f[1]))")
            }
        }
        if !waiting.isEmpty {
            throw RecipeError(
                "--slurm: jobs of the last submission are still queued or running: \(waiting.joined(separator: ", ")); "
                    + "wait for them or cancel them (scancel) before submitting again")
        }
    }

    enum Job { case prepare, shards, merge }

    /// The batch script of a job.
    func script(_ job: Job) -> String {
        func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let logs = (slurmFolder as NSString).appendingPathComponent("logs")
        let (name, log, role, flag): (String, String, String, String)
        switch job {
        case .prepare:
            (name, log, role, flag) = ("prepare", "prepare-%j.log", "this job computes once what every shard shares", "--prepare-shards")
        case .shards:
            (name, log, role, flag) = (
                "shards", "shard-%A_%a.log", "array task i runs the per-pattern steps on shard i of the map rows",
                "--shard \"$SLURM_ARRAY_TASK_ID\""
            )
        case .merge:
            (name, log, role, flag) = (
                "merge", "merge-%j.log", "this job puts the shards together and runs the remaining steps", "--merge-shards"
            )
        }
        let title = run.runner.recipe.name.map { " (\($0))" } ?? ""
        var lines = ["#!/bin/bash", "#SBATCH --job-name=ebsd-\(name)", "#SBATCH --output=\(logs)/\(log)"]
        lines += settings.sbatchLines.map { "#SBATCH \($0)" }
        lines += [
            "# ebsd pipeline\(title): \(role).",
            "# Written by `ebsd pipeline \(recipePath) --slurm`; the recipe's slurm block sets the #SBATCH lines.",
            "exec \(q(executable)) pipeline \(q(recipePath)) --output \(q(outputFolder)) --shards \(run.plan.shards) \(flag)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    func writeScripts(_ scripts: [(String, String)], _ path: (String) -> String) throws {
        try FileManager.default.createDirectory(
            atPath: (slurmFolder as NSString).appendingPathComponent("logs"), withIntermediateDirectories: true)
        for (name, text) in scripts { try writeAtomically(text, to: path(name)) }
    }

    /// Slurm's message, with the recipe line of `slurm.partition` when the partition is what Slurm refused.
    func slurmError(_ what: String, _ stderr: String) -> String {
        let message = stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(
            separator: "; ")
        var text = "--slurm: \(what) failed: \(message.isEmpty ? "(no message)" : message)"
        if let p = settings.partition, message.lowercased().contains("partition") {
            let recipeLines = run.runner.recipeText.split(separator: "\n", omittingEmptySubsequences: false)
            let n = recipeLines.firstIndex { $0.contains("partition") && $0.contains(p) }.map { $0 + 1 }
            text +=
                " — the recipe's slurm.partition: \(p)"
                + (n.map { " (\(recipePath):\($0): \(recipeLines[$0 - 1].trimmingCharacters(in: .whitespaces)))" } ?? "")
        }
        return text
    }
}

/// A sorted list of shard indices, written as Slurm's `--array` takes it (`0-3`, `1,4-6`).
struct ShardList: CustomStringConvertible {
    let values: [Int]
    init(_ values: [Int]) { self.values = values.sorted() }

    var slurmSpec: String {
        var parts: [String] = []
        var k = 0
        while k < values.count {
            var e = k
            while e + 1 < values.count && values[e + 1] == values[e] + 1 { e += 1 }
            parts.append(e == k ? "\(values[k])" : "\(values[k])-\(values[e])")
            k = e + 1
        }
        return parts.joined(separator: ",")
    }

    var description: String { slurmSpec }
}

/// Calls Slurm's command-line tools (found on `PATH`).
struct SlurmTools {
    var environment: [String: String]

    func path(_ tool: String) -> String? {
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        for dir in (env["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    func require(_ tool: String) throws {
        guard path(tool) != nil else {
            throw RecipeError("--slurm: \(tool) is not on PATH (run on a Slurm login node, or use --slurm --dry-run to write the scripts)")
        }
    }

    func call(_ tool: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let exe = path(tool) else { throw RecipeError("--slurm: \(tool) is not on PATH") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input == nil ? FileHandle.nullDevice : inp
        try p.run()
        if let input {
            inp.fileHandleForWriting.write(Data(input.utf8))
            try? inp.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
