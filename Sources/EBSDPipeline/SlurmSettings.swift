/// `slurm` of a recipe: how `ebsd pipeline RECIPE --slurm` asks Slurm for resources. The map is split into
/// `tasks` shards of whole map rows, one job-array task each; `partition`, `time` (Slurm's `[D-]HH:MM:SS`)
/// and `memory` (per task, e.g. `4G`) and `cpus_per_task` become `#SBATCH` lines of every job, and
/// `sbatch_options` (e.g. `[--account=ebsd, --qos=short]`) are added as they are.
///
///     slurm: {partition: debug, tasks: 4, time: "01:00:00", memory: 4G, cpus_per_task: 2}
public struct SlurmSettings: Decodable, Sendable, Hashable {
    /// Shards (job-array tasks) unless given.
    public static let defaultTasks = 4
    public var partition: String?
    public var tasks = SlurmSettings.defaultTasks
    public var time: String?
    public var memory: String?
    public var cpusPerTask: Int?
    public var sbatchOptions: [String] = []

    enum CodingKeys: String, CodingKey, CaseIterable {
        case partition, tasks, time, memory
        case cpusPerTask = "cpus_per_task", sbatchOptions = "sbatch_options"
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        try RecipeKeys.refuseUnknown(decoder, known: CodingKeys.allCases.map(\.rawValue), in: "slurm")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        partition = try c.decodeIfPresent(String.self, forKey: .partition)
        tasks = try c.decodeIfPresent(Int.self, forKey: .tasks) ?? tasks
        time = try c.decodeIfPresent(String.self, forKey: .time)
        memory = try c.decodeIfPresent(String.self, forKey: .memory)
        cpusPerTask = try c.decodeIfPresent(Int.self, forKey: .cpusPerTask)
        sbatchOptions = try c.decodeIfPresent([String].self, forKey: .sbatchOptions) ?? []
        guard tasks >= 1 else { throw RecipeError("slurm.tasks must be at least 1 (got \(tasks))") }
        if let n = cpusPerTask, n < 1 { throw RecipeError("slurm.cpus_per_task must be at least 1 (got \(n))") }
    }

    /// The `#SBATCH` options every job of a run gets (partition, time, memory, CPUs, the extra options).
    public var sbatchLines: [String] {
        var o: [String] = []
        if let partition { o.append("--partition=\(partition)") }
        if let time { o.append("--time=\(time)") }
        if let memory { o.append("--mem=\(memory)") }
        if let cpusPerTask { o.append("--cpus-per-task=\(cpusPerTask)") }
        return o + sbatchOptions
    }
}
