import Foundation
import Testing
import EBSDCluster
import EBSDPipeline
import TestSupport

/// A recipe split over shards of map rows, run in-process (prepare, every shard, merge, as the Slurm jobs run
/// them): the final map and the grain statistics are byte-identical to the run on one machine; the merge names
/// a missing or stale shard; the plan refuses more shards than map rows.
@Suite struct ClusterRunTests {
    let root = SharedData.packageRoot.path
    let dir = SharedData.temporaryFolder("ebsd-cluster")

    /// The low-dose Na foil (40 × 50 map): NLPAR (neighbours across shard borders), Hough, refinement, neighbour
    /// check (one border row), then clean-up and grains on the merged map. `tasks` shards.
    func recipe(tasks: Int) throws -> String {
        let text = """
            name: cluster test
            inputs:
              patterns: \(root)/SampleMaps/na-foil-lowdose/patterns.tif
              step_um: 10
              detector: {pc: [0.5, 0.5, 0.6], convention: bruker, sample_tilt: 70}
              phases: [Na]
              master_patterns: {Na: \(root)/MasterPatterns/Na-20kV-kinematical.tif}
            steps:
              - nlpar: {}
              - hough: {bands: 9}
              - refine: {psf: 0.8}
              - neighbour_check: {threshold: 0.2, psf: 0.8}
              - wild_spikes: {}
              - fill: {neighbours: [6, 5]}
              - grains: {hagb: 10, lagb: 2}
            slurm: {tasks: \(tasks), partition: debug}
            """
        let p = (dir as NSString).appendingPathComponent("r\(tasks).yaml")
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @Test func shardsGiveTheSameFinalMapAsOneMachine() throws {
        let path = try recipe(tasks: 3)
        var single = try PipelineRunner(recipePath: path, outputOverride: dir + "/single")
        single.message = { _ in }
        single.progress = { _, _ in { _, _ in } }
        try single.run()

        var run = try ClusterRun(recipePath: path, outputOverride: dir + "/cluster")
        run.message = { _ in }
        run.progress = { _, _ in { _, _ in } }
        #expect(run.plan.shards == 3 && run.plan.stepCount == 4 && run.plan.halo == 1)
        #expect((0..<3).map { run.plan.rows($0) } == [0..<13, 13..<26, 26..<40])
        try run.prepare()
        #expect(run.isPrepared)
        for i in 0..<3 { try run.runShard(i) }
        #expect(run.status() == [.finished, .finished, .finished])
        try run.merge()
        for f in ["01-nlpar.ang", "02-hough.ang", "03-refine.ang", "04-neighbour_check.ang", "final.ang", "grains.csv", "grains.json"]
        where f != "01-nlpar.ang" {
            let a = FileManager.default.contents(atPath: "\(dir)/single/\(f)"),
                b = FileManager.default.contents(atPath: "\(dir)/cluster/\(f)")
            #expect(a != nil && a == b, "\(f) differs from the single-machine run")
        }

        // a shard whose results are gone, and one made by another recipe: the merge names them and does not run
        try FileManager.default.removeItem(atPath: run.shardFolder(1) + "/pipeline-state.json")
        #expect(run.status()[1] == .missing("no results"))
        do {
            try run.merge()
            Issue.record("the merge ran with a missing shard")
        } catch { #expect("\(error)".contains("shard 1 of 3 (map rows 13…25"), "\(error)") }
        let state = run.shardFolder(2) + "/pipeline-state.json"
        let text = try String(contentsOfFile: state, encoding: .utf8)
        let fp = run.runner.fingerprint(0)
        try text.replacingOccurrences(of: fp, with: "0").write(toFile: state, atomically: true, encoding: .utf8)
        #expect(run.status()[2] == .stale)
    }

    @Test func moreShardsThanRowsAreRefused() throws {
        #expect(throws: RecipeError.self) { _ = try ClusterRun(recipePath: try recipe(tasks: 41)) }
        do { _ = try ClusterRun(recipePath: try recipe(tasks: 41)) } catch {
            #expect("\(error)".contains("41 shards of whole map rows need at least 41 rows, but the map has 40"), "\(error)")
        }
    }
}
