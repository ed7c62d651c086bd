import Foundation
import CrystalMaps
import Crystallography
import MapSimulation
import EBSDImageIO
import EBSDPipeline
import PatternStacks

#if canImport(Glibc)
    import Glibc
#endif

/// Case `big-map`: generated maps of 1 M, 4 M and 16 M points (Voronoi grains of ~400 points with orientation
/// gradients, Σ3 twin lamellae in a third of them, 1 % wild pixels, ~2 % not indexed) through `ebsd pipeline` from
/// the map (orix .h5): wild spikes, fill 6/5, pseudo-symmetry, grains (boundaries, CSL), IPF-X/Y/Z maps, IPF
/// densities, pole figures, MDF, final.ang and the report. The pipeline runs as a child process: its wall time,
/// peak RSS (getrusage of the child), time per point, and each step's seconds from its pipeline-state.json.
/// No peer runs this chain on 16 M points (MTEX runs out of memory on 17 M points; orix needs Dask).
func bigMapCase(scratch: URL, quick: Bool) {
    let ebsd = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("ebsd").path
    guard FileManager.default.isExecutableFile(atPath: ebsd) else {
        emit(["case": "big-map", "error": "\(ebsd) not built (swift build -c release --product ebsd)"])
        return
    }
    for side in quick ? [500, 1000] : [1000, 2000, 4000] {
        let name = "big-map_\(side)x\(side)"
        var g = SyntheticMapGenerator()
        g.rows = side
        g.columns = side
        g.grains = side * side / 400
        g.noiseFraction = 0.01
        g.zeroSolutionFraction = 0.012
        g.twinFraction = 0.3
        g.gradientDegreesPerPixel = 0.05
        g.spreadDegrees = 0.3
        g.phase = .nickel
        let folder = scratch.appendingPathComponent(name).path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let mapPath = folder + "/map.h5", recipePath = folder + "/recipe.yaml", out = folder + "/out"
        let t0 = now()
        do { try MapFile.write(g.make(), to: mapPath) } catch {
            emit(["case": name, "error": "\(error)"])
            continue
        }
        let generate = now() - t0
        let recipe = """
            name: \(name)
            output: \(out)
            inputs: {map: \(mapPath), phases: [Ni]}
            steps:
              - wild_spikes: {}
              - fill: {neighbours: [6, 5]}
              - pseudo_symmetry: {operator: 60@111}
              - grains: {hagb: 10, lagb: 2}
              - ipf: {directions: [x, y, z], boundaries: true}
            """
        try? recipe.write(toFile: recipePath, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ebsd)
        p.arguments = ["pipeline", recipePath, "--fresh"]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        let t1 = now()
        guard (try? p.run()) != nil else {
            emit(["case": name, "error": "cannot start \(ebsd)"])
            continue
        }
        p.waitUntilExit()
        let seconds = now() - t1
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        var steps: [String: Double] = [:]
        if let data = FileManager.default.contents(atPath: out + "/pipeline-state.json"),
            let log = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        {
            for entry in log { if let n = entry["name"] as? String, let s = entry["seconds"] as? Double { steps[n] = s } }
        }
        let points = side * side
        emit([
            "case": name, "points": points, "exit": Int(p.terminationStatus), "pipeline_s": seconds,
            "ns_per_point": seconds / Double(points) * 1e9, "peak_rss_mb": Double(usage.ru_maxrss) / 1024,
            "generate_s": generate, "step_s": steps, "threads": ProcessInfo.processInfo.activeProcessorCount,
            "peer": "none: no peer runs this chain on 16 M points",
        ])
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// Case `checkpoint`: the cost of keeping per-pattern steps' work in blocks (``StepBlocks``): a 20 000-pattern stack
/// (the 500 synthetic Na patterns of `../shared/dev` tiled 40 times, a 100 × 200 map) through hough and refine, with
/// the blocks kept and with each step computed at once (`checkpointsInsideSteps` off), alternately, best of two.
func checkpointCase(scratch: URL) {
    let devPath = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/dev/na-kinematical-60px/patterns.tif").path
    guard let dev = try? PatternStack.open(devPath), let patterns = try? dev.read(0..<dev.count) else {
        emit(["case": "checkpoint", "skipped": "\(devPath) not found"])
        return
    }
    let stackPath = scratch.appendingPathComponent("tiled.tif").path, size = dev.patternRows * dev.patternColumns
    do {
        let w = try TIFFPageWriter(stackPath, width: dev.patternColumns, height: dev.patternRows, type: .uint16)
        for k in 0..<20_000 { try w.append(Array(patterns[((k % dev.count) * size)..<((k % dev.count + 1) * size)])) }
        try w.finish()
    } catch {
        emit(["case": "checkpoint", "error": "\(error)"])
        return
    }
    let master = packageRoot.appendingPathComponent("MasterPatterns/Na-20kV-kinematical.tif").path
    let recipePath = scratch.appendingPathComponent("checkpoint.yaml").path
    try? """
    inputs:
      patterns: \(stackPath)
      map_shape: 100x200
      detector: {pc: [0.5, 0.5, 0.6], convention: bruker, sample_tilt: 70}
      phases: [Na]
      master_patterns: {Na: \(master)}
    steps:
      - hough: {bands: 9}
      - refine: {static_background: none}
    """.write(toFile: recipePath, atomically: true, encoding: .utf8)
    var best: [Bool: [String: Double]] = [:]
    for _ in 0..<2 {
        for kept in [true, false] {
            let folder = scratch.appendingPathComponent("cp-\(kept)").path
            guard var runner = try? PipelineRunner(recipePath: recipePath, outputOverride: folder) else { continue }
            runner.message = { _ in }
            runner.progress = { _, _ in { _, _ in } }
            runner.checkpointsInsideSteps = kept
            guard (try? runner.run(fresh: true)) != nil else {
                emit(["case": "checkpoint", "error": "the pipeline failed"])
                return
            }
            for entry in runner.log { best[kept, default: [:]][entry.name] = min(best[kept]?[entry.name] ?? .infinity, entry.seconds) }
        }
    }
    // what the blocks add themselves: writing each block's snapshot and reading it back (a resumed run's part)
    var blockIO = Double.infinity
    if let map = try? MapFile.read(scratch.appendingPathComponent("cp-true/01-hough.ebsdmap").path) {
        let plan = StepBlocks(mapRows: map.grid.rows, mapColumns: map.grid.columns)
        for _ in 0..<3 {
            let t = now()
            for k in 0..<plan.count {
                let file = plan.file(k, in: scratch.path)
                try? MapSnapshot.write(map.rows(plan.rows(k)), to: file)
                _ = try? MapSnapshot.read(file)
            }
            blockIO = min(blockIO, now() - t)
        }
    }
    for step in ["hough", "refine"] {
        guard let with = best[true]?[step], let without = best[false]?[step] else { continue }
        emit([
            "case": "checkpoint_\(step)_20000", "seconds_with_blocks": with, "seconds_at_once": without,
            "overhead_percent": 100 * (with / without - 1), "blocks": StepBlocks(mapRows: 100, mapColumns: 200).count,
            "patterns_per_block": StepBlocks(mapRows: 100, mapColumns: 200).rowsPerBlock * 200,
            "block_io_s": blockIO, "block_io_percent": 100 * blockIO / without,
            "peer": "none: the overhead of our own checkpoints",
        ])
    }
}
