import Foundation
import Testing
import TestSupport

/// The single-node Slurm that `make test` starts (Tests/Scripts/slurm-cluster.sh): its slurm.conf, or why not.
enum TestSlurm {
    static let folder = ProcessInfo.processInfo.environment["EBSD_TEST_SLURM"]
    static var conf: String? {
        folder.flatMap { try? String(contentsOfFile: $0 + "/ready", encoding: .utf8) }?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    static var available: Bool { conf != nil }
    static var skipReason: String {
        guard let folder else {
            return "EBSD_TEST_SLURM is not set: `make test` starts a local Slurm for these tests (swift test alone does not)"
        }
        let why = (try? String(contentsOfFile: folder + "/skip-reason", encoding: .utf8)) ?? "unknown (no skip-reason file)"
        return "no local Slurm: " + why.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// `ebsd pipeline RECIPE --slurm`: the dry run's scripts; bad input refused before anything is submitted or written;
/// and against a real single-node Slurm, the reference recipe as a 4-task array, one task cancelled, the merge
/// refusing the missing shard, the resubmission of that shard only, and a final map byte-identical to one machine's.
@Suite struct SlurmTests {
    let root = SharedData.packageRoot.path
    let dir = SharedData.temporaryFolder("ebsd-slurm")

    /// The reference recipe with absolute paths and a `slurm` block.
    func recipe(_ slurm: String, name: String = "reference.yaml") throws -> String {
        let sample = "\(root)/SampleMaps"
        var text = try String(contentsOfFile: "\(sample)/reference-protocol.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "patterns: na-electrodeposit", with: "patterns: \(sample)/na-electrodeposit")
            .replacingOccurrences(of: "../MasterPatterns/", with: "\(root)/MasterPatterns/")
            .replacingOccurrences(of: "output: ../out/demo\n", with: "")
            .replacingOccurrences(of: "\nsteps:\n", with: "\nslurm: \(slurm)\nsteps:\n")
        let p = (dir as NSString).appendingPathComponent(name)
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @Test func dryRunWritesTheScriptsAndSubmitsNothing() throws {
        let out = dir + "/dry"
        let r = try runEBSD(
            [
                "pipeline", try recipe("{tasks: 4, partition: short, time: \"00:30:00\", memory: 2G, sbatch_options: [--account=ebsd]}"),
                "--output", out, "--slurm", "--dry-run",
            ],
            environment: ["PATH": "/nonexistent"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("would submit a prepare job, shards 0-3 as a job array"), "\(r.stdout)")
        #expect(r.stdout.contains("--array=0-3 --dependency=afterok:<prepare job>"), "\(r.stdout)")
        let shards = try String(contentsOfFile: out + "/slurm/shards.sbatch", encoding: .utf8)
        for line in [
            "#SBATCH --partition=short", "#SBATCH --time=00:30:00", "#SBATCH --mem=2G", "#SBATCH --account=ebsd",
            "--shards 4 --shard \"$SLURM_ARRAY_TASK_ID\"",
        ] {
            #expect(shards.contains(line), "\(line) not in\n\(shards)")
        }
        #expect(FileManager.default.fileExists(atPath: out + "/slurm/merge.sbatch"))
        #expect(!FileManager.default.fileExists(atPath: out + "/slurm/submitted.json"))
    }

    @Test func badInputIsRefusedBeforeAnythingIsSubmitted() throws {
        // more shards than map rows (24)
        var out = dir + "/many"
        var r = try runEBSD(["pipeline", try recipe("{tasks: 25}", name: "many.yaml"), "--output", out, "--slurm", "--dry-run"])
        #expect(r.status != 0 && r.stderr.contains("25 shards of whole map rows need at least 25 rows, but the map has 24"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        // no sbatch on PATH
        out = dir + "/nosbatch"
        r = try runEBSD(["pipeline", try recipe("{tasks: 4}"), "--output", out, "--slurm"], environment: ["PATH": "/nonexistent"])
        #expect(r.status != 0 && r.stderr.contains("sbatch is not on PATH"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test(.enabled(if: TestSlurm.available, Comment(rawValue: TestSlurm.skipReason)))
    func noControllerAndBadPartitionAreRefused() throws {
        // a configuration whose controller port nobody listens on
        let conf = try String(contentsOfFile: TestSlurm.conf!, encoding: .utf8)
            .replacingOccurrences(of: "SlurmctldPort=6817", with: "SlurmctldPort=6899")
        try conf.write(toFile: dir + "/dead.conf", atomically: true, encoding: .utf8)
        var out = dir + "/dead"
        var r = try runEBSD(
            ["pipeline", try recipe("{tasks: 4}"), "--output", out, "--slurm"], environment: ["SLURM_CONF": dir + "/dead.conf"])
        #expect(r.status != 0 && r.stderr.contains("Unable to contact slurm controller"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        out = dir + "/nope"
        let path = try recipe("{tasks: 4, partition: nope}", name: "nope.yaml")
        r = try runEBSD(["pipeline", path, "--output", out, "--slurm"], environment: ["SLURM_CONF": TestSlurm.conf!])
        #expect(r.status != 0 && r.stderr.contains("invalid partition specified: nope"), "\(r.stderr)")
        #expect(r.stderr.contains("\(path):13: slurm: {tasks: 4, partition: nope}"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// Runs a Slurm tool against the test cluster; its standard output.
    func slurm(_ tool: String, _ args: [String]) throws -> String {
        try ToolRun.run([tool] + args, environment: ["SLURM_CONF": TestSlurm.conf!]).text
    }

    /// Waits until no job of `ids` runs or waits to run, except a merge that can never start (its array failed).
    func waitForJobs(_ ids: [String], timeout: Double = 600) throws {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            let q = try slurm("squeue", ["-h", "-o", "%i %T %r", "-j", ids.joined(separator: ",")])
            if q.split(separator: "\n").allSatisfy({ $0.contains("DependencyNeverSatisfied") }) { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        Issue.record("Slurm jobs \(ids) did not finish within \(timeout) s")
    }

    func jobs(_ stdout: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in stdout.split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 3, f[1] == "job", f[0].hasSuffix(":") { out[String(f[0].dropLast())] = String(f[2]) }
        }
        return out
    }

    @Test(.enabled(if: TestSlurm.available, Comment(rawValue: TestSlurm.skipReason)))
    func referenceRecipeOnSlurmWithACancelledTask() throws {
        let path = try recipe("{tasks: 4, partition: debug}")
        let env = ["SLURM_CONF": TestSlurm.conf!]
        let single = try runEBSD(["pipeline", path, "--output", dir + "/single"])
        #expect(single.status == 0, "\(single.stderr)")

        let out = dir + "/cluster"
        let first = try runEBSD(["pipeline", path, "--output", out, "--slurm"], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let ids = jobs(first.stdout)
        #expect(Set(ids.keys) == ["prepare", "shards", "merge"], "\(first.stdout)")
        guard let array = ids["shards"] else { return }
        // task 2 waits for the prepare job, so cancelling it now is certain to take it away
        _ = try slurm("scancel", ["\(array)_2"])
        try waitForJobs(Array(ids.values))
        let merge = try runEBSD(["pipeline", path, "--output", out, "--shards", "4", "--merge-shards"])
        #expect(merge.status != 0 && merge.stderr.contains("shard 2 of 4 (map rows 12…17"), "\(merge.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/final.ang"))

        let again = try runEBSD(["pipeline", path, "--output", out, "--slurm"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("submitted shards 2 as a job array, and the merge after it"), "\(again.stdout)")
        let ids2 = jobs(again.stdout)
        #expect(Set(ids2.keys) == ["shards", "merge"], "only the missing shard and the merge: \(again.stdout)")
        try waitForJobs(Array(ids2.values))
        // the last per-pattern step's map (its number follows the recipe's steps) and the merged results
        let checked = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/single").filter { $0.hasSuffix("-neighbour_check.ang") }
        #expect(checked.count == 1, "\(checked)")
        for f in checked + ["final.ang", "grains.csv", "grains.json"] {
            let a = FileManager.default.contents(atPath: "\(dir)/single/\(f)"), b = FileManager.default.contents(atPath: "\(out)/\(f)")
            #expect(a != nil && a == b, "\(f) differs from the single-machine run")
        }
        let done = try runEBSD(["pipeline", path, "--output", out, "--slurm"], environment: env)
        #expect(done.stdout.contains("nothing to submit"), "\(done.stdout)")
    }
}
