import Foundation
import EBSDCluster
import EBSDPipeline

/// Issue 18's scale figures: the reference recipe on one machine and as a cluster run with 4 shards (prepare,
/// every shard, merge, run in-process one after another, as the Slurm jobs run them), per-step rates per task and
/// the I/O each task does; whether the final map is byte-identical. No peer tool runs on Slurm.
func clusterCase(scratch: URL) {
    let recipe = packageRoot.appendingPathComponent("SampleMaps/reference-protocol.yaml").path
    let single = scratch.appendingPathComponent("cluster-single").path, cluster = scratch.appendingPathComponent("cluster-4").path
    var rec: [String: Any] = ["case": "cluster_reference_recipe", "peer": "none (no peer tool runs on Slurm)"]
    do {
        var one = try PipelineRunner(recipePath: recipe, outputOverride: single)
        one.message = { _ in }
        one.progress = { _, _ in { _, _ in } }
        let t0 = now()
        try one.run(fresh: true)
        rec["single_s"] = now() - t0
        let patterns = one.inputs.stack?.count ?? 0
        rec["patterns"] = patterns
        for e in one.log where e.index < 4 { rec["single_\(e.name)_patterns_per_s"] = Double(patterns) / e.seconds }

        var run = try ClusterRun(recipePath: recipe, outputOverride: cluster, shards: 4)
        run.message = { _ in }
        run.progress = { _, _ in { _, _ in } }
        let t1 = now()
        try run.prepare()
        rec["prepare_s"] = now() - t1
        var shardSeconds: [Double] = []
        for i in 0..<4 {
            let t = now()
            try run.runShard(i)
            shardSeconds.append(now() - t)
        }
        rec["shard_s"] = shardSeconds
        rec["shard_patterns_with_border_rows"] = (0..<4).map { run.plan.computedRows($0).count * run.plan.mapColumns }
        let t2 = now()
        try run.merge()
        rec["merge_s"] = now() - t2
        let files = (try? FileManager.default.contentsOfDirectory(atPath: run.preparedFolder)) ?? []
        rec["dictionary_bytes_read_per_task"] = files.filter { $0.hasPrefix("dictionary") }.reduce(0) { sum, f in
            sum + (((try? FileManager.default.attributesOfItem(atPath: run.preparedFolder + "/" + f))?[.size] as? Int) ?? 0)
        }
        rec["final_map_identical"] =
            FileManager.default.contents(atPath: single + "/final.ang") == FileManager.default.contents(atPath: cluster + "/final.ang")
    } catch {
        rec["error"] = "\(error)"
    }
    try? FileManager.default.removeItem(atPath: single)
    try? FileManager.default.removeItem(atPath: cluster)
    emit(rec)
}
