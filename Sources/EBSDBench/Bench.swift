// ebsd-bench: benchmark cases, one JSON line each; peer tools (orix) run in
// the same process tree on the same data where a case has a peer.
import Foundation
import Crystallography
import CrystalMaps
import EBSDNumerics

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
let quick = args.contains("--quick")
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ebsd-bench-\(ProcessInfo.processInfo.processIdentifier)")
try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }
let cores = ProcessInfo.processInfo.activeProcessorCount
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func emit(_ obj: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
    FileHandle.standardOutput.synchronizeFile()
}

/// Runs a peer script with python3; nil when python3/orix are missing.
func peer(_ arguments: [String]) -> [String: Any]? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", packageRoot.appendingPathComponent("Benchmarks/peers/orix_peer.py").path] + arguments
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { return nil }
    return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
}

func best(of runs: Int, _ body: () -> Void) -> Double {
    var t = Double.infinity
    for _ in 0..<runs { let t0 = now(); body(); t = min(t, now() - t0) }
    return t
}

// MARK: disorientation of 1 M random pairs under m-3m
do {
    let n = quick ? 100_000 : 1_000_000
    var rng = SplitMix64(seed: 7)
    func randomQ() -> Quaternion {
        let u1 = Double.random(in: 0..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng), u3 = Double.random(in: 0..<1, using: &rng)
        let a = (1 - u1).squareRoot(), b = u1.squareRoot()
        return Rotation(Quaternion(a * sin(2 * .pi * u2), a * cos(2 * .pi * u2), b * sin(2 * .pi * u3), b * cos(2 * .pi * u3))).q
    }
    var pairs = [Double](repeating: 0, count: n * 8)
    for i in 0..<n {
        let a = randomQ(), b = randomQ()
        pairs.replaceSubrange((i * 8)..<(i * 8 + 8), with: [a.a, a.b, a.c, a.d, b.a, b.b, b.c, b.d])
    }
    var angles = [Double](repeating: 0, count: n)
    let single = pairs.withUnsafeBufferPointer { p in angles.withUnsafeMutableBufferPointer { o in
        best(of: 3) { disorientations(0..<n, o.baseAddress!, p.baseAddress!) }
    } }
    struct Ptr: @unchecked Sendable { let o: UnsafeMutablePointer<Double>; let p: UnsafePointer<Double> }
    let parallel = pairs.withUnsafeBufferPointer { p in angles.withUnsafeMutableBufferPointer { o in
        let ptr = Ptr(o: o.baseAddress!, p: p.baseAddress!)
        return best(of: 3) {
            let chunks = cores * 8, size = (n + chunks - 1) / chunks
            DispatchQueue.concurrentPerform(iterations: chunks) { c in disorientations((c * size)..<min(n, (c + 1) * size), ptr.o, ptr.p) }
        }
    } }
    var rec: [String: Any] = ["case": "disorientation_m-3m", "n": n, "ns_per_item_1_thread": single / Double(n) * 1e9,
                              "ns_per_item": parallel / Double(n) * 1e9, "threads": cores]
    let file = scratch.appendingPathComponent("pairs.bin")
    try! pairs.withUnsafeBytes { Data($0) }.write(to: file)
    if let r = peer(["disorientation", file.path]), let secs = r["seconds"] as? Double,
       let theirs = FileManager.default.contents(atPath: file.path + ".orix") {
        let t = theirs.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        var worst = 0.0
        for i in 0..<n { worst = max(worst, abs(t[i] - angles[i])) }
        rec["peer"] = "orix \(r["orix"] ?? "?") Orientation.angle_with"
        rec["peer_ns_per_item"] = secs / Double(n) * 1e9
        rec["speedup_vs_peer"] = secs / parallel
        rec["speedup_vs_peer_1_thread"] = secs / single
        rec["max_abs_diff_deg"] = worst
    } else { rec["peer"] = "unavailable (python3 with orix not installed)" }
    emit(rec)
}

// MARK: write and read a 1 M-pixel .ang
do {
    var g = SyntheticMapGenerator()
    g.rows = quick ? 250 : 1000; g.columns = 1000; g.grains = 400
    let map = g.make()
    let path = scratch.appendingPathComponent("big.ang").path
    let w = best(of: 3) { try! AngFile.write(map, to: path) }
    var read: CrystalMap?
    let r = best(of: 3) { read = try! AngFile.read(path) }
    let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    emit(["case": "ang_write", "n": map.count, "ns_per_item": w / Double(map.count) * 1e9, "mb": Double(bytes) / 1e6])
    var rec: [String: Any] = ["case": "ang_read", "n": map.count, "ns_per_item": r / Double(map.count) * 1e9, "indexed": read!.indexedCount]
    if let p = peer(["ang-read", path]), let secs = p["seconds"] as? Double {
        rec["peer"] = "orix \(p["orix"] ?? "?") io.load"
        rec["peer_ns_per_item"] = secs / Double(map.count) * 1e9
        rec["speedup_vs_peer"] = secs / r
    }
    emit(rec)
}

// MARK: sgemm throughput (the kernel of dictionary indexing), to show the OpenBLAS core in use
do {
    let m = 2048, n = 2048, k = 3600
    let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: n * k)
    var c = [Float](repeating: 0, count: m * n)
    let t = a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
        best(of: 3) { Gemm.rowsDotRows(ap.baseAddress!, m: m, bp.baseAddress!, n: n, k: k, into: cp.baseAddress!) }
    } } }
    emit(["case": "sgemm_2048x2048x3600", "gflops": 2.0 * Double(m * n * k) / t / 1e9, "openblas_core": OpenBLASRuntime.activeCoreName,
          "OPENBLAS_CORETYPE": ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset"])
}
}
}
