// ebsd-bench: benchmark cases, one JSON line each; peer tools (orix) run in
// the same process tree on the same data where a case has a peer.
import EBSDCore
import MapSimulation
import Foundation
import EBSDHDF5
import Crystallography
import CrystalMaps
import EBSDNumerics
import EBSDImageIO
import DetectorGeometry
import PatternSimulation
import PatternStacks
import Preprocessing
import Grains
import MapCleanup
import Figures
import HoughIndexing
import PatternMatching

let cores = ProcessInfo.processInfo.activeProcessorCount
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// This process's peak resident memory (VmHWM in /proc/self/status, MB). Not getrusage's
/// ru_maxrss: Linux carries that across exec, so a child started by a large parent would
/// report the parent's peak.
func peakRSSMegabytes() -> Double {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kb = Double(line.split(separator: " ").dropFirst().first { !$0.isEmpty }.map(String.init) ?? "")
    else { return -1 }
    return kb / 1024
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Prints one JSON record, and appends it to the file named by EBSD_BENCH_RECORDS (set by the
/// top-level run) for the summary table and bench.json.
func emit(_ obj: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
    FileHandle.standardOutput.synchronizeFile()
    if let path = ProcessInfo.processInfo.environment["EBSD_BENCH_RECORDS"], let h = FileHandle(forWritingAtPath: path) {
        h.seekToEndOfFile()
        h.write(data + Data("\n".utf8))
        try? h.close()
    }
}

/// The summary at the end of a run: one table of every case (ours, peer, ratio) on stdout,
/// and all records in `bench.json` (written through a temporary file and a rename).
func summarize(records path: String, to output: String) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
    var records: [[String: Any]] = []
    for line in text.split(separator: "\n") {
        if let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { records.append(o) }
    }
    // (label, our value, unit, peer value, ratio)
    let metrics: [(String, String, String, String?, String?)] = [
        ("", "ns_per_item", "ns/item", "peer_ns_per_item", "speedup_vs_peer"),
        ("", "patterns_per_s", "patterns/s", "peer_patterns_per_s", "speedup_vs_peer"),
        ("", "gflops", "GFLOP/s", nil, nil),
        (" generation", "generation_patterns_per_s", "patterns/s", "peer_generation_patterns_per_s", "ratio_generation"),
        (" matching", "matching_patterns_per_s", "patterns/s", "peer_matching_patterns_per_s", "ratio_matching"),
        (" matching", "matching_gflops", "GFLOP/s", nil, nil),
        (" matching int8 (VNNI, float32 re-scoring)", "int8_matching_patterns_per_s", "patterns/s", "peer_matching_patterns_per_s",
            "ratio_matching_int8"),
        (" int8 vs float32 (same run)", "int8_speedup_vs_float32", "×", nil, nil),
        (" int8 best = float32 best", "int8_same_best_as_float32", "(share)", nil, nil),
        (" refinement", "refine_patterns_per_s", "patterns/s", "peer_refine_patterns_per_s", "ratio_refine"),
        (" fast matcher", "fast_patterns_per_s", "patterns/s", nil, nil),
        (" grain labelling", "grains_s", "s", "peer_s", "speedup_vs_peer_labelling"),
        (" median error", "median_deg", "°", "peer_median_deg", nil),
        (" clean + grains + statistics + IPF PNG", "total_s", "s", nil, nil),
    ]
    func num(_ v: Any?) -> String {
        guard let d = v as? Double else { return v.map { "\($0)" } ?? "—" }
        return d >= 100 ? String(format: "%.0f", d) : d >= 1 ? String(format: "%.2f", d) : String(format: "%.3g", d)
    }
    var rows: [String] = []
    for r in records {
        let name = r["case"] as? String ?? "?"
        for (label, key, unit, peerKey, ratioKey) in metrics where r[key] != nil {
            rows.append(
                "| \(name)\(label) | \(num(r[key])) \(unit) | \(peerKey.map { num(r[$0]) } ?? "—") | "
                    + "\(ratioKey.map { num(r[$0]) } ?? "—") |"
            )
        }
    }
    let machine = BenchMachine()
    let table =
        machine.markdownHeader + "\n\n| case | SwiftEBSD | peer | ratio |\n|---|---|---|---|\n" + rows.joined(separator: "\n") + "\n"
    print("\n" + table)
    writeAtomically(Data(table.utf8), to: (output as NSString).deletingPathExtension + ".md")
    let doc: [String: Any] = [
        "date": machine.date, "cores": cores, "cpu_model": machine.cpuModel, "instruction_sets": machine.instructionSets,
        "records": records,
    ]
    if let data = try? JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys]) {
        writeAtomically(data, to: output)
        FileHandle.standardError.write(Data("wrote \(output) (\(records.count) records) and its table\n".utf8))
    }
}

/// Writes `data` to a temporary file beside `path`, then renames it over `path`.
func writeAtomically(_ data: Data, to path: String) {
    let tmp = path + ".tmp"
    if !FileManager.default.createFile(atPath: tmp, contents: data) || rename(tmp, path) != 0 {
        try? FileManager.default.removeItem(atPath: tmp)
    }
}

/// Runs a peer script (Benchmarks/peers) with the peer tools' Python: the virtual environment `make peers` made, through
/// Tests/Scripts/peer-python (caches inside it, one peer process at a time). Nil when the environment is missing or
/// the script fails; a failure's stderr tail is printed on stderr.
func peer(_ arguments: [String], script: String = "orix_peer.py") -> [String: Any]? {
    let p = Process()
    p.executableURL = packageRoot.appendingPathComponent("Tests/Scripts/peer-python")
    p.arguments = [packageRoot.appendingPathComponent("Benchmarks/peers/\(script)").path] + arguments
    let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(UUID().uuidString).err")
    defer { try? FileManager.default.removeItem(at: errPath) }
    guard FileManager.default.createFile(atPath: errPath.path, contents: nil),
        let err = try? FileHandle(forWritingTo: errPath)
    else { return nil }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = err
    guard (try? p.run()) != nil else { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try? err.close()
    guard p.terminationStatus == 0, let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        let errors = (try? Data(contentsOf: errPath)) ?? Data()
        let tail = String(decoding: errors, as: UTF8.self).split(separator: "\n").suffix(peerStderrLines)
        let message = "peer \(script) failed (status \(p.terminationStatus)):\n\(tail.joined(separator: "\n"))\n"
        FileHandle.standardError.write(Data(message.utf8))
        return nil
    }
    return json
}

/// How many lines of a failed peer's stderr the bench prints.
let peerStderrLines = 15

/// The `peer` field of a case whose peer did not run.
func peerUnavailable(_ tools: String) -> String {
    "unavailable (the peer environment from make peers lacks \(tools), or the peer failed: its stderr is above)"
}

func best(of runs: Int, _ body: () -> Void) -> Double {
    var t = Double.infinity
    for _ in 0..<runs {
        let t0 = now()
        body()
        t = min(t, now() - t0)
    }
    return t
}

/// Disorientation angles (degrees) of pairs `p[i] = (q1, q2)` under m-3m.
func disorientations(_ range: Range<Int>, _ out: UnsafeMutablePointer<Double>, _ p: UnsafePointer<Double>) {
    let group = LaueGroup.cubicHigh
    for i in range {
        let q1 = Quaternion(p[i * 8], p[i * 8 + 1], p[i * 8 + 2], p[i * 8 + 3])
        let q2 = Quaternion(p[i * 8 + 4], p[i * 8 + 5], p[i * 8 + 6], p[i * 8 + 7])
        out[i] = group.disorientationAngle(q2 * q1.conjugate) * (180 / .pi)
    }
}

@main enum Bench {
    static func main() {
        OpenBLASRuntime.ensureCoreType()

        let args = CommandLine.arguments
        if let i = args.firstIndex(of: "--stream-child"), i + 1 < args.count {
            streamChild(args[i + 1])
            return
        }
        if let i = args.firstIndex(of: "--hough-child"), i + 1 < args.count {
            houghChild(args[i + 1])
            return
        }
        let only: String? = args.firstIndex(of: "--case").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
        func wanted(_ name: String) -> Bool { only == nil || name.hasPrefix(only!) }
        let quick = args.contains("--quick")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ebsd-bench-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let recordsPath = scratch.appendingPathComponent("records.jsonl").path
        FileManager.default.createFile(atPath: recordsPath, contents: nil)
        setenv("EBSD_BENCH_RECORDS", recordsPath, 1)
        defer {
            unsetenv("EBSD_BENCH_RECORDS")
            summarize(records: recordsPath, to: "bench.json")
            try? FileManager.default.removeItem(at: scratch)
        }

        // MARK: disorientation of 1 M random pairs under m-3m
        if wanted("disorientation") {
            let n = quick ? 100_000 : 1_000_000
            var rng = SplitMix64(seed: 7)
            func randomQ() -> Quaternion {
                let u1 = Double.random(in: 0..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng),
                    u3 = Double.random(in: 0..<1, using: &rng)
                let a = (1 - u1).squareRoot(), b = u1.squareRoot()
                return Rotation(Quaternion(a * sin(2 * .pi * u2), a * cos(2 * .pi * u2), b * sin(2 * .pi * u3), b * cos(2 * .pi * u3))).q
            }
            var pairs = [Double](repeating: 0, count: n * 8)
            for i in 0..<n {
                let a = randomQ(), b = randomQ()
                pairs.replaceSubrange((i * 8)..<(i * 8 + 8), with: [a.a, a.b, a.c, a.d, b.a, b.b, b.c, b.d])
            }
            var angles = [Double](repeating: 0, count: n)
            let single = pairs.withUnsafeBufferPointer { p in
                angles.withUnsafeMutableBufferPointer { o in
                    best(of: 3) { disorientations(0..<n, o.baseAddress!, p.baseAddress!) }
                }
            }
            struct Ptr: @unchecked Sendable {
                let o: UnsafeMutablePointer<Double>
                let p: UnsafePointer<Double>
            }
            let parallel = pairs.withUnsafeBufferPointer { p in
                angles.withUnsafeMutableBufferPointer { o in
                    let ptr = Ptr(o: o.baseAddress!, p: p.baseAddress!)
                    return best(of: 3) {
                        let chunks = cores * 8, size = (n + chunks - 1) / chunks
                        DispatchQueue.concurrentPerform(iterations: chunks) { c in
                            disorientations((c * size)..<min(n, (c + 1) * size), ptr.o, ptr.p)
                        }
                    }
                }
            }
            var rec: [String: Any] = [
                "case": "disorientation_m-3m", "n": n, "ns_per_item_1_thread": single / Double(n) * 1e9,
                "ns_per_item": parallel / Double(n) * 1e9, "threads": cores,
            ]
            let file = scratch.appendingPathComponent("pairs.bin")
            try! pairs.withUnsafeBytes { Data($0) }.write(to: file)
            if let r = peer(["disorientation", file.path]), let secs = r["seconds"] as? Double,
                let theirs = FileManager.default.contents(atPath: file.path + ".orix")
            {
                let t = theirs.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
                var worst = 0.0
                for i in 0..<n { worst = max(worst, abs(t[i] - angles[i])) }
                rec["peer"] = "orix \(r["orix"] ?? "?") Orientation.angle_with"
                rec["peer_ns_per_item"] = secs / Double(n) * 1e9
                rec["speedup_vs_peer"] = secs / parallel
                rec["speedup_vs_peer_1_thread"] = secs / single
                rec["max_abs_diff_deg"] = worst
            } else {
                rec["peer"] = peerUnavailable("orix")
            }
            emit(rec)
        }

        // MARK: write and read a 1 M-pixel .ang
        if wanted("ang") {
            var g = SyntheticMapGenerator()
            g.rows = quick ? 250 : 1000
            g.columns = 1000
            g.grains = 400
            let map = g.make()
            let path = scratch.appendingPathComponent("big.ang").path
            let w = best(of: 3) { try! AngFile.write(map, to: path) }
            var read: CrystalMap?
            let r = best(of: 3) { read = try! AngFile.read(path) }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            emit(["case": "ang_write", "n": map.count, "ns_per_item": w / Double(map.count) * 1e9, "mb": Double(bytes) / 1e6])
            var rec: [String: Any] = [
                "case": "ang_read", "n": map.count, "ns_per_item": r / Double(map.count) * 1e9, "indexed": read!.indexedCount,
            ]
            if let p = peer(["ang-read", path]), let secs = p["seconds"] as? Double {
                rec["peer"] = "orix \(p["orix"] ?? "?") io.load"
                rec["peer_ns_per_item"] = secs / Double(map.count) * 1e9
                rec["speedup_vs_peer"] = secs / r
            }
            emit(rec)
        }

        // MARK: pattern projection and preprocessing throughput (kikuchipy side by side)
        if wanted("projection") || wanted("preprocess") { patternCases(scratch: scratch, quick: quick, wanted: wanted) }

        // MARK: post-processing a 1000 × 1000 map: clean + grains + statistics + IPF PNG
        if wanted("postprocess") { postprocessCase(scratch: scratch, quick: quick) }
        if wanted("big-map") { bigMapCase(scratch: scratch, quick: quick) }
        if wanted("checkpoint") { checkpointCase(scratch: scratch) }

        // MARK: Hough indexing of the dev Na sets, PyEBSDIndex side by side
        if wanted("hough") && only != "hough-stream" { houghCase(scratch: scratch) }

        // MARK: Hough indexing a generated stack of 200 000 patterns: peak memory of a child process
        if only == nil || only == "hough-stream" { houghStreamCase(scratch: scratch, quick: quick) }
        if only == nil || only == "h5-stream" { h5StreamCase(scratch: scratch, quick: quick) }
        // MARK: Hough indexing of large (480 px) patterns: automatic binning, rate, peak memory, PyEBSDIndex beside it
        if only == nil || only == "hough-large" { houghLargeCase(scratch: scratch, quick: quick) }

        if wanted("nlpar") { nlparCase(scratch: scratch, quick: quick) }
        if wanted("hough-real-ni") { realNickelHoughCase() }
        if wanted("texture") { textureCase(quick: quick) }
        if wanted("cluster") { clusterCase(scratch: scratch) }

        // MARK: streaming a 2 GB TIFF stack: peak memory of a child process
        if wanted("stream") { streamCase(scratch: scratch, quick: quick) }

        if wanted("match") { matchCase(scratch: scratch, quick: quick) }
        if wanted("dynamical") { dynamicalCase(scratch: scratch, quick: quick) }

        // MARK: sgemm throughput (the kernel of dictionary indexing), to show the OpenBLAS core in use
        if wanted("sgemm") || wanted("match") {
            let m = 2048, n = 2048, k = 3600
            let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: n * k)
            var c = [Float](repeating: 0, count: m * n)
            let t = a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        best(of: 3) { Gemm.rowsDotRows(ap.baseAddress!, m: m, bp.baseAddress!, n: n, k: k, into: cp.baseAddress!) }
                    }
                }
            }
            emit([
                "case": "sgemm_2048x2048x3600", "gflops": 2.0 * Double(m * n * k) / t / 1e9,
                "openblas_core": OpenBLASRuntime.activeCoreName,
                "OPENBLAS_CORETYPE": ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset",
            ])
        }
    }
}

func randomRotations(_ n: Int, seed: UInt64) -> [Rotation] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in Rotation.random(using: &rng) }
}

func patternCases(scratch: URL, quick: Bool, wanted: (String) -> Bool) {
    let mpPath = packageRoot.deletingLastPathComponent().appendingPathComponent(
        "shared/dev/kikuchipy-kinematical-master-patterns/na_20kV_lambert_north_south.tif"
    ).path
    let ownPath = packageRoot.appendingPathComponent("MasterPatterns/Na-20kV-kinematical.tif").path
    let path = FileManager.default.fileExists(atPath: mpPath) ? mpPath : ownPath
    guard let mp = try? MasterPattern.read(path) else {
        emit(["case": "projection", "error": "no master pattern at \(path)"])
        return
    }
    for size in [60, 120] where wanted("projection") {
        let n = quick ? 1000 : (size == 60 ? 20_000 : 5_000)
        let rots = randomRotations(n, seed: UInt64(size))
        let det = Detector(rows: size, columns: size, pc: PatternCenter(0.5, 0.5, 0.6))
        let proj = PatternProjector(master: mp, detector: det)
        _ = proj.patterns(Array(rots.prefix(10)))
        let t = best(of: 3) { _ = proj.patterns(rots) }
        var rec: [String: Any] = [
            "case": "projection_\(size)x\(size)", "n": n, "patterns_per_s": Double(n) / t, "threads": cores,
            "master": (path as NSString).lastPathComponent,
        ]
        let rotFile = scratch.appendingPathComponent("rot\(size).bin")
        let qs = rots.flatMap { [$0.q.a, $0.q.b, $0.q.c, $0.q.d] }
        try! qs.withUnsafeBytes { Data($0) }.write(to: rotFile)
        if let r = peer(["project", path, rotFile.path, "\(size)", "\(size)", "0.5", "0.5", "0.6"], script: "kikuchipy_peer.py"),
            let secs = r["seconds"] as? Double
        {
            rec["peer"] = "kikuchipy \(r["kikuchipy"] ?? "?") EBSDMasterPattern.get_patterns"
            rec["peer_patterns_per_s"] = Double(n) / secs
            rec["speedup_vs_peer"] = secs / t
        } else {
            rec["peer"] = peerUnavailable("kikuchipy")
        }
        emit(rec)
    }
    if wanted("preprocess") {
        let n = quick ? 500 : 4000
        let det = Detector(rows: 60, columns: 60, pc: PatternCenter(0.5, 0.5, 0.6))
        let raw = PatternProjector(master: mp, detector: det).patterns(randomRotations(n, seed: 5))
        var deg = PatternDegradation(rows: 60, columns: 60)
        deg.seed = 9
        var noisy = [Float]()
        noisy.reserveCapacity(raw.count)
        for k in 0..<n { noisy += deg.apply(Array(raw[(k * 3600)..<((k + 1) * 3600)]), index: k) }
        let pre = Preprocessor(rows: 60, columns: 60, steps: [.dynamicBackground(sigma: 7.5, operation: .subtract), .quantizeUInt8])
        _ = pre.apply(batch: Array(noisy.prefix(36000)), count: 10)
        let t = best(of: 3) { _ = pre.apply(batch: noisy, count: n) }
        var rec: [String: Any] = ["case": "preprocess_dynamic_background_60x60", "n": n, "patterns_per_s": Double(n) / t, "threads": cores]
        let f = scratch.appendingPathComponent("noisy.bin")
        try! noisy.withUnsafeBytes { Data($0) }.write(to: f)
        if let r = peer(["dynamic-background", f.path, "\(n)", "60", "60"], script: "kikuchipy_peer.py"), let secs = r["seconds"] as? Double
        {
            rec["peer"] = "kikuchipy \(r["kikuchipy"] ?? "?") EBSD.remove_dynamic_background"
            rec["peer_patterns_per_s"] = Double(n) / secs
            rec["speedup_vs_peer"] = secs / t
        }
        emit(rec)
    }
}

/// Writes a ≈2 GB uint16 TIFF stack, then streams it through preprocessing in a
/// child process and reports the child's peak resident memory.
func streamCase(scratch: URL, quick: Bool) {
    let size = 120
    let n = quick ? 2_000 : 75_000  // 75 000 × 120 × 120 × 2 B = 2.16 GB
    let path = scratch.appendingPathComponent("big.tif").path
    let t0 = now()
    let base = (0..<(size * size)).map { Float(($0 * 7919) % 4000) }
    do {
        let w = try TIFFPageWriter(
            path, width: size, height: size, type: .uint16,
            description: "{\"map_shape\": [\(n / 250), 250]}")
        for k in 0..<n {
            var p = base
            p[k % p.count] = 65535
            try w.append(p)
        }
        try w.finish()
    } catch {
        emit(["case": "stream_tiff", "error": "\(error)"])
        return
    }
    let writeSecs = now() - t0
    let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    var rec = runSelf(["--stream-child", path])
    rec["case"] = "stream_tiff_\(String(format: "%.2f", Double(bytes) / 1e9))GB"
    rec["file_bytes"] = bytes
    rec["write_seconds"] = writeSecs
    emit(rec)
    try? FileManager.default.removeItem(atPath: path)
}

/// Child: stream the stack in chunks through background removal; print peak RSS.
func streamChild(_ path: String) {
    let t0 = now()
    guard let s = try? PatternStack.open(path) else {
        print("{\"error\": \"cannot open\"}")
        return
    }
    let pre = Preprocessor(rows: s.patternRows, columns: s.patternColumns, steps: [.dynamicBackground(sigma: 15, operation: .subtract)])
    var checksum = 0.0
    try? s.forEachChunk(size: 512) { r, data in
        let out = pre.apply(batch: data, count: r.count)
        checksum += Double(out[0])
    }
    let secs = now() - t0
    let obj: [String: Any] = [
        "n": s.count, "peak_rss_mb": peakRSSMegabytes(), "patterns_per_s": Double(s.count) / secs,
        "seconds": secs, "chunk": 512, "checksum": checksum,
    ]
    FileHandle.standardOutput.write(try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]))
}

func postprocessCase(scratch: URL, quick: Bool) {
    var g = SyntheticMapGenerator()
    g.rows = quick ? 300 : 1000
    g.columns = quick ? 300 : 1000
    g.grains = quick ? 300 : 3000
    g.seed = 5
    var map = g.make()
    // wild spikes on 0.1 % of the pixels
    var rng = SplitMix64(seed: 17)
    for _ in 0..<(map.count / 1000) { map.rotations[Int.random(in: 0..<map.count, using: &rng)] = Rotation.random(using: &rng) }
    var times: [String: Double] = [:]
    var t = now()
    let (cleaned, reports) = try! map.cleaned(by: [WildSpikeRemoval(), ZeroSolutionFill(neighbourCounts: [6, 5])])
    times["clean_s"] = now() - t
    t = now()
    let gm = GrainSegmentation().segment(cleaned)
    times["grains_s"] = now() - t
    t = now()
    let st = GrainStatistics(gm)
    let summary = [st.meanECD, st.areaWeightedMeanECD, st.meanInterceptX, st.meanInterceptY, Double(st.e2627.grainsCounted)]
    times["statistics_s"] = now() - t
    t = now()
    var r = MapRenderer(scale: 1)
    r.boundaries = BoundaryMap(cleaned)
    let img = r.render(cleaned, .ipf(Vector3(0, 0, 1)))
    try! img.writePNG(scratch.appendingPathComponent("ipf.png").path)
    times["ipf_png_s"] = now() - t
    let total = times.values.reduce(0, +)
    var rec: [String: Any] = [
        "case": "postprocess_\(g.rows)x\(g.columns)", "n": map.count, "total_s": total, "grains": gm.grains.count, "threads": cores,
        "spikes_replaced": reports[0]["replaced"],
        "filled": reports[1].counts.filter { $0.kind.hasPrefix("filled") }.reduce(0) { $0 + $1.pixels },
        "mean_ecd_um": summary[0],
    ]
    for (k, v) in times { rec[k] = v }
    let qfile = scratch.appendingPathComponent("q.bin")
    try! cleaned.rotations.flatMap { [$0.q.a, $0.q.b, $0.q.c, $0.q.d] }.withUnsafeBytes { Data($0) }.write(to: qfile)
    if let p = peer([qfile.path, "\(g.rows)", "\(g.columns)", "10"], script: "pyebsdindex_peer.py"), let secs = p["seconds"] as? Double {
        rec["peer"] = "PyEBSDIndex \(p["pyebsdindex"] ?? "?") grainlabel.phaselabel (grain labelling only)"
        rec["peer_grains"] = p["grains"]
        rec["peer_s"] = secs
        rec["speedup_vs_peer_labelling"] = secs / times["grains_s"]!
    } else {
        rec["peer"] = peerUnavailable("pyebsdindex")
    }
    emit(rec)
}

func houghCase(scratch: URL) {
    for set in ["na-kinematical-60px", "na-kinematical-120px"] {
        let dir = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/dev/\(set)").path
        guard let stack = try? PatternStack.open(dir + "/patterns.tif"),
            let tdata = FileManager.default.contents(atPath: dir + "/truth.json"),
            let tj = try? JSONSerialization.jsonObject(with: tdata) as? [String: Any], let qs = tj["quaternions_wxyz"] as? [[Double]]
        else {
            emit(["case": "hough_\(set)", "error": "dev data not found at \(dir)"])
            continue
        }
        let n = stack.count, size = stack.patternRows
        let data = try! stack.read(0..<n)
        let t0 = now()
        var hi = HoughIndexer(detector: Detector(rows: size, columns: size, pc: PatternCenter(0.5, 0.5, 0.6)), phases: [.sodium])
        if ProcessInfo.processInfo.environment["HOUGH_RADON"] == "0" { hi.radonRefinement = nil }
        if ProcessInfo.processInfo.environment["HOUGH_SHARP"] == "0" { hi.sharpView = nil }
        let setup = now() - t0
        var sols: [IndexingSolution?] = []
        let t = best(of: 3) { sols = hi.index(batch: data, count: n) }
        var errs: [Double] = []
        for k in 0..<n {
            let truth = Orientation(Rotation(Quaternion(qs[k][0], qs[k][1], qs[k][2], qs[k][3])), .cubicHigh)
            errs.append(sols[k].map { Orientation($0.rotation, .cubicHigh).disorientationAngle(to: truth) * 180 / .pi } ?? 180)
        }
        var rec: [String: Any] = [
            "case": "hough_\(set)", "n": n, "patterns_per_s": Double(n) / t, "setup_s": setup, "threads": cores,
            "within_2deg": Double(errs.filter { $0 <= 2 }.count) / Double(n), "median_deg": errs.sorted()[n / 2],
        ]
        let pf = scratch.appendingPathComponent("pats.bin"), tf = scratch.appendingPathComponent("truth.bin")
        try! data.withUnsafeBytes { Data($0) }.write(to: pf)
        try! qs.flatMap { $0 }.withUnsafeBytes { Data($0) }.write(to: tf)
        if let p = peer([pf.path, "\(n)", "\(size)", "\(size)", tf.path, "0.5", "0.5", "0.6"], script: "pyebsdindex_hough_peer.py"),
            let secs = p["seconds"] as? Double
        {
            rec["peer"] = "PyEBSDIndex \(p["pyebsdindex"] ?? "?") CPU"
            rec["peer_patterns_per_s"] = Double(n) / secs
            rec["peer_startup_s"] = p["startup_seconds"]
            rec["peer_within_2deg"] = p["within_2deg"]
            rec["peer_median_deg"] = p["median_deg"]
            rec["speedup_vs_peer"] = secs / t
        } else {
            rec["peer"] = peerUnavailable("pyebsdindex")
        }
        emit(rec)
    }
}

/// Writes a 200 000-pattern uint8 stack (1000 distinct simulated, noisy Na patterns
/// repeated) and indexes it in a child process, reporting the child's peak memory.
func houghStreamCase(scratch: URL, quick: Bool) {
    let n = quick ? 5_000 : 200_000, size = 60
    let path = scratch.appendingPathComponent("hough-stack.tif").path
    let mpPath = packageRoot.appendingPathComponent("MasterPatterns/Na-20kV-kinematical.tif").path
    guard let mp = try? MasterPattern.read(mpPath) else {
        emit(["case": "hough_stream", "error": "no master pattern"])
        return
    }
    let det = Detector(rows: size, columns: size, pc: PatternCenter(0.5, 0.5, 0.6))
    let rots = randomRotations(1000, seed: 77)
    let clean = PatternProjector(master: mp, detector: det).patterns(rots)
    var deg = PatternDegradation(rows: size, columns: size)
    deg.seed = 5
    let distinct = (0..<1000).map { deg.apply(Array(clean[($0 * size * size)..<(($0 + 1) * size * size)]), index: $0) }
    let t0 = now()
    do {
        let w = try TIFFPageWriter(path, width: size, height: size, type: .uint8, description: "{\"map_shape\": [\(n / 500), 500]}")
        for k in 0..<n { try w.append(distinct[k % 1000]) }
        try w.finish()
    } catch {
        emit(["case": "hough_stream", "error": "\(error)"])
        return
    }
    let writeSecs = now() - t0
    var rec = runSelf(["--hough-child", path])
    rec["case"] = "hough_stream_\(n)"
    rec["write_seconds"] = writeSecs
    emit(rec)
    try? FileManager.default.removeItem(atPath: path)
}

/// Hough on large patterns (issue 27): `n` noisy simulated Na patterns of 480 × 480 px written as a uint8 TIFF and
/// indexed in a child process (automatic binning, ``HoughIndexer/automaticBinning(rows:columns:)``): patterns/s and
/// peak RSS; the accuracy against the simulated orientations in this process; PyEBSDIndex on the same patterns.
func houghLargeCase(scratch: URL, quick: Bool) {
    let n = quick ? 40 : 300, size = 480, name = "hough_large_480px"
    let path = scratch.appendingPathComponent("hough-480.tif").path
    let mpPath = packageRoot.appendingPathComponent("MasterPatterns/Na-20kV-kinematical.tif").path
    guard let mp = try? MasterPattern.read(mpPath) else {
        emit(["case": name, "error": "no master pattern"])
        return
    }
    let pc = PatternCenter(0.5, 0.5, 0.6)
    let det = Detector(rows: size, columns: size, pc: pc)
    let rots = randomRotations(n, seed: 480)
    let projector = PatternProjector(master: mp, detector: det)
    var deg = PatternDegradation(rows: size, columns: size)
    deg.seed = 48
    var all: [Float] = []
    all.reserveCapacity(n * size * size)
    do {
        let w = try TIFFPageWriter(path, width: size, height: size, type: .uint8, description: "{\"map_shape\": [1, \(n)]}")
        for k in 0..<n {
            let p = deg.apply(projector.pattern(rots[k]), index: k)
            all += p
            try w.append(p)
        }
        try w.finish()
    } catch {
        emit(["case": name, "error": "\(error)"])
        return
    }
    var rec = runSelf(["--hough-child", path])
    rec["case"] = name
    let hi = HoughIndexer(detector: det, phases: [.sodium])
    rec["binning"] = hi.binning
    let found = hi.index(batch: all, count: n)
    let errs = (0..<n).map { k in
        found[k].map { Orientation($0.rotation, .cubicHigh).disorientationAngle(to: Orientation(rots[k], .cubicHigh)) * 180 / .pi } ?? 180
    }
    rec["median_deg"] = errs.sorted()[n / 2]
    rec["within_2deg"] = Double(errs.filter { $0 <= 2 }.count) / Double(n)
    let pf = scratch.appendingPathComponent("pats-480.bin"), tf = scratch.appendingPathComponent("truth-480.bin")
    try? all.withUnsafeBytes { Data($0) }.write(to: pf)
    try? rots.flatMap { [$0.q.a, $0.q.b, $0.q.c, $0.q.d] }.withUnsafeBytes { Data($0) }.write(to: tf)
    if let p = peer([pf.path, "\(n)", "\(size)", "\(size)", tf.path, "\(pc.x)", "\(pc.y)", "\(pc.z)"], script: "pyebsdindex_hough_peer.py"),
        let secs = p["seconds"] as? Double, let ours = rec["patterns_per_s"] as? Double
    {
        rec["peer"] = "PyEBSDIndex \(p["pyebsdindex"] ?? "?") CPU, full size"
        rec["peer_patterns_per_s"] = Double(n) / secs
        rec["peer_median_deg"] = p["median_deg"]
        rec["peer_within_2deg"] = p["within_2deg"]
        rec["speedup_vs_peer"] = ours / (Double(n) / secs)
    } else {
        rec["peer"] = peerUnavailable("pyebsdindex")
    }
    emit(rec)
    for f in [path, pf.path, tf.path] { try? FileManager.default.removeItem(atPath: f) }
}

/// Streaming an instrument HDF5 file through Hough indexing: a generated `.h5oina`-layout file (uint8 patterns
/// in `1/EBSD/Data/Processed Patterns`, one pattern per chunk as AZtec writes them) of H5_BENCH_GB gigabytes
/// (default 2; quick: 20 MB), and the same patterns as a TIFF stack, each indexed in a child process: patterns/s
/// and peak RSS of both, and their ratio.
func h5StreamCase(scratch: URL, quick: Bool) {
    let size = 60
    let gigabytes = quick ? 0.02 : (ProcessInfo.processInfo.environment["H5_BENCH_GB"].flatMap(Double.init) ?? 2)
    let columns = 500
    let n = max(columns, Int(gigabytes * 1_073_741_824 / Double(size * size)) / columns * columns)
    let h5 = scratch.appendingPathComponent("stream.h5oina").path, tif = scratch.appendingPathComponent("stream.tif").path
    guard let mp = try? MasterPattern.read(packageRoot.appendingPathComponent("MasterPatterns/Na-20kV-kinematical.tif").path) else {
        emit(["case": "h5_stream", "error": "no master pattern"])
        return
    }
    let det = Detector(rows: size, columns: size, pc: PatternCenter(0.5, 0.5, 0.6))
    let clean = PatternProjector(master: mp, detector: det).patterns(randomRotations(1000, seed: 78))
    var deg = PatternDegradation(rows: size, columns: size)
    deg.seed = 6
    let distinct = (0..<1000).map { deg.apply(Array(clean[($0 * size * size)..<(($0 + 1) * size * size)]), index: $0) }
    let t0 = now()
    do {
        let f = try HDF5File.create(h5)
        try f.write("Oxford Instruments", to: "Manufacturer")
        try f.write("7.0", to: "Format Version")
        let hd = "1/EBSD/Header", data = "1/EBSD/Data/Processed Patterns"
        for (k, v) in [("X Cells", columns), ("Y Cells", n / columns), ("Pattern Width", size), ("Pattern Height", size)] {
            try f.write([Double(v)], shape: [], as: .int32, to: "\(hd)/\(k)")
        }
        try f.createPatterns(data, count: n, rows: size, columns: size, as: .uint8, chunk: 1)
        let block = 1024
        for start in stride(from: 0, to: n, by: block) {
            let m = min(block, n - start)
            try f.writeRows(data, start: start, count: m, values: (start..<(start + m)).flatMap { distinct[$0 % 1000] })
        }
        f.close()
        let w = try TIFFPageWriter(
            tif, width: size, height: size, type: .uint8, description: "{\"map_shape\": [\(n / columns), \(columns)]}")
        for k in 0..<n { try w.append(distinct[k % 1000]) }
        try w.finish()
    } catch {
        emit(["case": "h5_stream", "error": "\(error)"])
        return
    }
    let writeSecs = now() - t0
    let fromH5 = runSelf(["--hough-child", h5]), fromTIFF = runSelf(["--hough-child", tif])
    var rec: [String: Any] = ["case": "h5_stream_\(n)", "gigabytes": gigabytes, "write_seconds": writeSecs]
    for (k, v) in fromH5 { rec["h5_" + k] = v }
    for (k, v) in fromTIFF { rec["tiff_" + k] = v }
    if let a = fromH5["patterns_per_s"] as? Double, let b = fromTIFF["patterns_per_s"] as? Double { rec["h5_over_tiff_speed"] = a / b }
    emit(rec)
    try? FileManager.default.removeItem(atPath: h5)
    try? FileManager.default.removeItem(atPath: tif)
}

func houghChild(_ path: String) {
    let t0 = now()
    guard let s = try? PatternStack.open(path) else {
        print("{\"error\": \"cannot open\"}")
        return
    }
    let hi = HoughIndexer(
        detector: Detector(rows: s.patternRows, columns: s.patternColumns, pc: PatternCenter(0.5, 0.5, 0.6)), phases: [.sodium])
    var rss: [Double] = []
    let map = try! hi.index(
        stack: s,
        progress: { done in
            if done % 20480 == 0 || done == s.count {
                rss.append(peakRSSMegabytes())
            }
        })
    let secs = now() - t0
    let obj: [String: Any] = [
        "n": s.count, "indexed_fraction": map.indexedFraction, "peak_rss_mb": peakRSSMegabytes(),
        "rss_mb_during": rss, "patterns_per_s": Double(s.count) / secs, "seconds": secs,
    ]
    FileHandle.standardOutput.write(try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]))
}

/// Runs this benchmark binary again with `arguments` (a child whose peak memory is
/// its own) and returns the JSON object it prints.
func runSelf(_ arguments: [String]) -> [String: Any] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    p.arguments = arguments
    let out = Pipe()
    p.standardOutput = out
    guard (try? p.run()) != nil else { return ["error": "cannot start the child process"] }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? ["error": "child exited with \(p.terminationStatus)"]
}

/// The refiner of the matching cases, with the experiment knobs REFINE_STEP (degrees), REFINE_TOL
/// (radians) and REFINE_QM ("initial,final,shrink" in degrees: quadratic-model search; else Nelder–Mead).
func benchRefiner(signal: PatternSignal, master: MasterPattern) -> OrientationRefiner {
    var refiner = OrientationRefiner(signal: signal, master: master)
    let env = ProcessInfo.processInfo.environment
    if let st = env["REFINE_STEP"].flatMap(Double.init) { refiner.orientationStep = st * .pi / 180 }
    if let tol = env["REFINE_TOL"].flatMap(Double.init) { refiner.optimizer.tolerance = tol }
    if let q = env["REFINE_QM"] {
        let v = q.split(separator: ",").compactMap { Double($0) }
        refiner.quadraticModel =
            v.count >= 3 ? QuadraticModelAscent(initialStep: v[0] * .pi / 180, finalStep: v[1] * .pi / 180, shrink: v[2]) : nil
    }
    return refiner
}

/// The int8 matcher (VNNI, float32 re-scoring of its candidates) on the data `fp32` was matched on: its matching
/// rate, the ratio to float32's in the same run, the share of patterns with the same best orientation, accuracy.
func int8Matching(
    _ fp32Indexer: DictionaryIndexer, raw: [Float], n: Int, against fp32: MatchResult, errors: ([Rotation]) -> (Double, Double)
) -> [String: Any] {
    guard Int8Gemm.vnniAvailable else { return ["int8_skipped": "this CPU has no AVX-512 VNNI"] }
    var di = fp32Indexer
    di.precision = .int8
    if let c = ProcessInfo.processInfo.environment["INT8_CANDIDATES"].flatMap(Int.init) { di.int8Candidates = c }
    let length = raw.count / max(1, n)
    let r = try! di.match(count: n, read: { Array(raw[($0.lowerBound * length)..<($0.upperBound * length)]) })
    let same = (0..<n).filter { r.indices[$0 * r.k] == fp32.indices[$0 * fp32.k] }.count
    let (w, m) = errors((0..<n).map { di.rotations[Int(r.indices[$0 * r.k])] })
    let rate = Double(n) / r.comparisonSeconds, fp32Rate = Double(n) / fp32.comparisonSeconds
    return [
        "int8_matching_patterns_per_s": rate, "int8_speedup_vs_float32": rate / fp32Rate,
        "int8_same_best_as_float32": Double(same) / Double(n),
        "int8_dictionary_within2": w, "int8_dictionary_median_deg": m, "int8_candidates_rescored": di.int8Candidates,
        "int8_simulation_seconds": r.simulationSeconds, "int8_rescore_seconds": r.rescoreSeconds,
        "int8_comparison_seconds": r.comparisonSeconds, "float32_comparison_seconds": fp32.comparisonSeconds,
        "float32_simulation_seconds": fp32.simulationSeconds,
    ]
}

/// Dictionary indexing + refinement on the dev Na 60 px set (500 patterns, 2° dictionary; --quick: 100
/// patterns, 4°), our own |F| kinematical Na master pattern for both tools, side by side with kikuchipy.
func matchCase(scratch: URL, quick: Bool) {
    let dev = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/dev/na-kinematical-60px")
    guard let stack = try? PatternStack.open(dev.appendingPathComponent("patterns.tif").path),
        let tj = try? JSONSerialization.jsonObject(with: Data(contentsOf: dev.appendingPathComponent("truth.json"))) as? [String: Any],
        let tq = tj["quaternions_wxyz"] as? [[Double]]
    else {
        emit(["case": "match", "skipped": "../shared/dev/na-kinematical-60px not found"])
        return
    }
    let n = quick ? 100 : 500, res = quick ? 4.0 : 2.0
    var sim = KinematicalSimulator(phase: .sodium, voltageKV: 20)
    sim.intensity = .structureFactor
    sim.debyeWaller = false
    let master = sim.masterPattern(size: 501)
    let mpPath = scratch.appendingPathComponent("na-f-master.tif").path
    try? master.write(mpPath)
    let det = Detector(rows: 60, columns: 60, pc: PatternCenter(0.5, 0.5, 0.6), sampleTilt: 70, detectorTilt: 0)
    let raw = try! stack.read(0..<n)
    let signal = PatternSignal(
        detector: det,
        experimental: Preprocessor(
            rows: 60, columns: 60,
            steps: [
                .staticBackground(image: try! stack.meanPattern(), operation: .subtract),
                .dynamicBackground(sigma: 7.5, operation: .subtract),
            ]), simulatedBlurSigma: 0.8)
    let truth = tq.prefix(n).map { Orientation(Rotation(Quaternion($0[0], $0[1], $0[2], $0[3])), .cubicHigh) }
    func errors(_ r: [Rotation]) -> (Double, Double) {
        let e = zip(r, truth).map { Orientation($0, .cubicHigh).disorientationAngle(to: $1) * 180 / .pi }.sorted()
        return (Double(e.filter { $0 <= 2 }.count) / Double(e.count), e[e.count / 2])
    }
    let rotations = OrientationSampling.fundamentalZone(.cubicHigh, resolution: res)
    var di = DictionaryIndexer(signal: signal, master: master, rotations: rotations)
    di.precision = .float32
    let t0 = now()
    let r = try! di.match(count: n, read: { Array(raw[($0.lowerBound * 3600)..<($0.upperBound * 3600)]) })
    let tMatch = now() - t0
    let dictRot = (0..<n).map { rotations[Int(r.indices[$0 * r.k])] }
    let (w0, m0) = errors(dictRot)
    let t1 = now()
    let refiner = benchRefiner(signal: signal, master: master)
    let refined = refiner.refine(prepared: signal.prepareExperimental(raw, count: n), starts: dictRot, pcs: [det.pc()])
    let tRefine = now() - t1
    let (w1, m1) = errors(refined.map(\.rotation))
    // the fast matcher: PCA-compressed dictionary (128 components), exact NCC of the 4 best candidates
    let tb = now()
    let compressed = CompressedDictionary(signal: signal, master: master, rotations: rotations)!
    let tBuild = now() - tb
    let prepared = signal.prepareExperimental(raw, count: n)
    let fm = FastMatcher(signal: signal, master: master, dictionary: compressed)
    let tf = now()
    let fr = fm.match(prepared: prepared, count: n)
    let tFast = now() - tf
    let (wf, mf) = errors((0..<n).map { rotations[Int(fr.indices[$0 * fr.k])] })
    let same = (0..<n).filter { fr.indices[$0 * fr.k] == r.indices[$0 * r.k] }.count
    let flops = 2.0 * Double(n) * Double(rotations.count) * Double(signal.length)
    let lowPrecision = int8Matching(di, raw: raw, n: n, against: r, errors: errors)
    var rec: [String: Any] = [
        "case": "match_na60_\(Int(res))deg", "patterns": n, "dictionary": rotations.count,
        "generation_patterns_per_s": Double(rotations.count) / r.simulationSeconds,
        "matching_patterns_per_s": Double(n) / r.comparisonSeconds, "matching_gflops": flops / r.comparisonSeconds / 1e9,
        "total_patterns_per_s": Double(n) / tMatch, "refine_patterns_per_s": Double(n) / tRefine,
        "refine_evaluations_per_pattern": Double(refined.map(\.evaluations).reduce(0, +)) / Double(n),
        "dictionary_within2": w0, "dictionary_median_deg": m0, "refined_within2": w1, "refined_median_deg": m1,
        "fast_components": compressed.components, "fast_energy_kept": compressed.energyKept, "fast_build_seconds": tBuild,
        "fast_patterns_per_s": Double(n) / tFast, "fast_within2": wf, "fast_median_deg": mf,
        "fast_same_best_as_full": Double(same) / Double(n),
    ].merging(lowPrecision) { a, _ in a }
    if let p = peer(
        [
            "match", mpPath, dev.appendingPathComponent("patterns.tif").path, dev.appendingPathComponent("truth.json").path, "\(n)",
            "\(res)", "0.5", "0.5", "0.6",
        ], script: "kikuchipy_peer.py"),
        let g = p["generation_seconds"] as? Double, let m = p["match_seconds"] as? Double, let rf = p["refine_seconds"] as? Double
    {
        rec["peer"] = "kikuchipy \(p["kikuchipy"] ?? "?") get_patterns / dictionary_indexing / refine_orientation (Nelder-Mead)"
        rec["peer_generation_patterns_per_s"] = Double(rotations.count) / g
        rec["peer_matching_patterns_per_s"] = Double(n) / m
        rec["peer_refine_patterns_per_s"] = Double(n) / rf
        rec["peer_dictionary_within2"] = p["dictionary_within2"]
        rec["peer_refined_median_deg"] = p["refined_median_deg"]
        rec["ratio_generation"] = (Double(rotations.count) / r.simulationSeconds) / (Double(rotations.count) / g)
        rec["ratio_matching"] = (Double(n) / r.comparisonSeconds) / (Double(n) / m)
        if let int8 = rec["int8_matching_patterns_per_s"] as? Double { rec["ratio_matching_int8"] = int8 / (Double(n) / m) }
        rec["ratio_refine"] = (Double(n) / tRefine) / (Double(n) / rf)
    } else {
        rec["peer"] = peerUnavailable("kikuchipy")
    }
    emit(rec)
}
