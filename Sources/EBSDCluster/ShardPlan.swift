import EBSDPipeline
/// How a recipe is split over the tasks of a job array: the leading per-pattern steps
/// (``PipelineStep/perPattern``) run on `shards` blocks of whole map rows, each task reading only its rows
/// (plus the border rows its neighbour-reading steps need, ``halo``); the later steps run on the whole,
/// merged map. Shard `i` owns rows `[i·R/K, (i+1)·R/K)` of the R map rows (K shards).
public struct ShardPlan: Sendable, Hashable {
    public let shards: Int
    public let mapRows: Int
    public let mapColumns: Int
    /// The recipe's first `stepCount` steps run in the shards.
    public let stepCount: Int
    /// Rows beyond each border a shard computes (the sum of the shard steps' ``PipelineStep/neighbourRows``):
    /// their results are what the neighbour check of the shard's own border rows reads; the merge drops them.
    public let halo: Int

    public init(steps: [PipelineStep], mapRows: Int, mapColumns: Int, shards: Int) throws {
        let perPattern = steps.prefix { $0.perPattern }
        guard !perPattern.isEmpty else {
            throw RecipeError(
                "--slurm: the recipe's first step (\(steps.first?.name ?? "none")) works on the whole map; nothing to split "
                    + "over a cluster (the per-pattern steps nlpar, hough, match, refine, neighbour_check must come first)")
        }
        guard perPattern.contains(where: \.makesMap) else {
            throw RecipeError("--slurm: the recipe's per-pattern steps make no map (add hough or match)")
        }
        guard shards >= 1, shards <= mapRows else {
            throw RecipeError(
                "slurm.tasks: \(shards) shards of whole map rows need at least \(shards) rows, but the map has \(mapRows) "
                    + "(at most \(mapRows) tasks)")
        }
        self.shards = shards
        self.mapRows = mapRows
        self.mapColumns = mapColumns
        stepCount = perPattern.count
        halo = perPattern.reduce(0) { $0 + $1.neighbourRows }
    }

    /// The map rows shard `i` owns.
    public func rows(_ i: Int) -> Range<Int> { (i * mapRows / shards)..<((i + 1) * mapRows / shards) }

    /// The map rows shard `i` computes: its own and ``halo`` more on each side, within the map.
    public func computedRows(_ i: Int) -> Range<Int> {
        let own = rows(i)
        return max(0, own.lowerBound - halo)..<min(mapRows, own.upperBound + halo)
    }

    /// The shard's folder name, e.g. `shard-02-of-04` (the plan's shard count in the name, so that shards of
    /// another split are never mistaken for these).
    public func folder(_ i: Int) -> String {
        let w = String(shards).count
        func pad(_ n: Int) -> String { String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        return "shard-\(pad(i))-of-\(pad(shards))"
    }
}
