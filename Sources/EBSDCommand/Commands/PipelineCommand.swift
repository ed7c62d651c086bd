import ArgumentParser
import Foundation
import EBSDCluster
import EBSDPipeline

struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run a protocol from a YAML recipe: indexing, refinement, clean-up, grains, figures, and an HTML + Markdown report.",
        discussion: """
            Example: ebsd pipeline SampleMaps/reference-protocol.yaml. Every map step writes its map (NN-step.ang) into the \
            output folder; a rerun after an interruption resumes after the last finished step (same recipe, same inputs). \
            Steps: \(PipelineStep.kinds.map { $0.stepName }.joined(separator: ", ")). \
            The recipe is checked as a whole before any work starts. \
            With --slurm the run is submitted to a Slurm cluster: a prepare job (mean pattern, NLPAR noise pass, the shared \
            dictionary), one job array over shards of whole map rows (the per-pattern steps), and a merge job after it \
            (--dependency=afterok) that runs the remaining steps and writes the same final map as a run on one machine. \
            Run it again after a failed or cancelled task: only the missing shards are resubmitted.
            """
    )
    @Argument(help: "Recipe (.yaml).") var recipe: String
    @Option(help: "Output folder (default: the recipe's 'output').") var output: String?
    @Flag(help: "Ignore finished steps and run everything again.") var fresh = false
    @Flag(help: "Submit the run to Slurm (sbatch): prepare job, job array over shards of map rows, merge job.") var slurm = false
    @Flag(help: "With --slurm: write the sbatch scripts and print what would be submitted, submit nothing.") var dryRun = false
    @Option(help: "Shards (job-array tasks) of whole map rows (default: the recipe's slurm.tasks, else 4).") var shards: Int?
    @Flag(help: .hidden) var prepareShards = false
    @Option(help: .hidden) var shard: Int?
    @Flag(help: .hidden) var mergeShards = false

    func validate() throws {
        if dryRun && !slurm { throw ValidationError("--dry-run goes with --slurm") }
        if [slurm, prepareShards, shard != nil, mergeShards].filter({ $0 }).count > 1 {
            throw ValidationError("--slurm, --prepare-shards, --shard and --merge-shards exclude each other")
        }
        if fresh && (slurm || prepareShards || shard != nil || mergeShards) { throw ValidationError("--fresh is for runs on one machine") }
    }

    func run() throws {
        do {
            if slurm || prepareShards || shard != nil || mergeShards {
                try runOnCluster()
                return
            }
            var runner = try PipelineRunner(recipePath: recipe, outputOverride: output)
            if try runner.run(fresh: fresh) != nil {
                print("report: \(runner.outputFolder)/report.html (and report.md); final map: \(runner.outputFolder)/final.ang")
            }
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }

    func runOnCluster() throws {
        var run = try ClusterRun(recipePath: recipe, outputOverride: output, shards: shards)
        if prepareShards {
            try run.prepare()
        } else if let shard {
            try run.runShard(shard)
        } else if mergeShards {
            if try run.merge() != nil {
                print("report: \(run.runner.outputFolder)/report.html (and report.md); final map: \(run.runner.outputFolder)/final.ang")
            }
        } else {
            let submission = try SlurmSubmission(run: run, recipePath: recipe, executable: Self.executablePath)
            let outcome = try submission.submit(dryRun: dryRun)
            print(outcome.summary)
        }
    }

    /// This program's absolute path (what the job scripts run on the compute nodes).
    static var executablePath: String {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        let a = CommandLine.arguments[0]
        return a.hasPrefix("/") ? a : FileManager.default.currentDirectoryPath + "/" + a
    }
}
