import EBSDCore
import Foundation
import Crystallography
import DetectorGeometry
import HoughIndexing
import PatternStacks
import Preprocessing

/// NLPAR of the shipped Na top view (40 × 50 map of 60 × 60 px patterns) repeated `copies` times down the
/// map: ours (noise pass + averaging streamed in 16-row chunks, λ given) against PyEBSDIndex's NLPAR
/// (file to file, numba on all cores) at the same λ and radius, and the agreement of the averaged patterns.
func nlparCase(scratch: URL, quick: Bool) {
    let copies = quick ? 1 : 5
    guard let base = try? PatternStack.open(packageRoot.appendingPathComponent("SampleMaps/na-foil-topview/patterns.tif").path),
        let one = try? base.read(0..<base.count)
    else {
        emit(["case": "nlpar", "error": "SampleMaps/na-foil-topview/patterns.tif not readable"])
        return
    }
    let data = [[Float]](repeating: one, count: copies).flatMap { $0 }
    let rows = base.mapRows * copies, cols = base.mapColumns, n = rows * cols
    let src = try! MemoryPatternSource(
        data: data, patternRows: base.patternRows, patternColumns: base.patternColumns, mapShape: (rows, cols))
    let stack = try! PatternStack(source: src)
    let lambda = try! NLPAR().prepare(stack).lambda
    let nlpar = try! NLPAR(lambda: lambda)
    var averaged: [Float] = []
    let t = best(of: 3) {
        let s = try! stack.averaged(by: nlpar).stack
        averaged = []
        averaged.reserveCapacity(data.count)
        try! s.forEachChunk(size: 16 * cols) { _, chunk in averaged += chunk }
    }
    var rec: [String: Any] = [
        "case": "nlpar", "n": n, "map": "\(rows)x\(cols)", "pattern": "\(base.patternRows)x\(base.patternColumns)",
        "search_radius": nlpar.searchRadius, "lambda": lambda, "patterns_per_s": Double(n) / t, "threads": cores,
    ]
    let input = scratch.appendingPathComponent("nlpar-in.raw"), output = scratch.appendingPathComponent("nlpar-out.raw")
    try! data.withUnsafeBytes { Data($0) }.write(to: input)
    let args = [
        input.path, "\(rows)", "\(cols)", "\(base.patternRows)", "\(base.patternColumns)", "\(lambda)", "\(nlpar.searchRadius)",
        output.path,
    ]
    if let p = peer(args, script: "pyebsdindex_nlpar_peer.py"), let secs = p["seconds"] as? Double,
        let theirs = try? Data(contentsOf: output)
    {
        let other = theirs.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let np = base.patternSize
        let ncc = (0..<n).map { k in
            PatternNormalization.ncc(Array(averaged[(k * np)..<((k + 1) * np)]), Array(other[(k * np)..<((k + 1) * np)]))
        }
        rec["peer"] = "PyEBSDIndex NLPAR (CPU, numba), file to file"
        rec["peer_patterns_per_s"] = Double(n) / secs
        rec["speedup_vs_peer"] = secs / t
        rec["ncc_min_vs_peer"] = ncc.min()
        rec["peer_lambda_estimated"] = p["lambda_estimated"]
        rec["kikuchipy"] = "kikuchipy has no NLPAR (its average_neighbour_patterns is a fixed-kernel average)"
    } else {
        rec["peer"] = peerUnavailable("pyebsdindex")
    }
    emit(rec)
}

/// Hough precision on real patterns: the 9 real Ni patterns at their mean reference PC, ours and PyEBSDIndex's
/// (through kikuchipy) side by side, disorientation to kikuchipy's pattern-matching reference orientations.
func realNickelHoughCase() {
    let dir = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/ni-nordif-3x3").path
    guard let metaData = FileManager.default.contents(atPath: dir + "/metadata.json"),
        let meta = try? JSONSerialization.jsonObject(with: metaData) as? [String: Any],
        let pcs = meta["pc_bruker_per_pattern"] as? [[Double]], let eulers = meta["reference_orientations_bunge_rad"] as? [[Double]],
        let stack = try? PatternStack.open(dir + "/patterns.tif", mapShape: (3, 3)),
        let bg = try? PatternStack.open(dir + "/static_background.tif", mapShape: (1, 1)).read(0..<1)
    else {
        emit(["case": "hough_real_ni", "error": "real Ni data not found at \(dir)"])
        return
    }
    let mean = PatternCenter(pcs.map { $0[0] }.reduce(0, +) / 9, pcs.map { $0[1] }.reduce(0, +) / 9, pcs.map { $0[2] }.reduce(0, +) / 9)
    let hi = HoughIndexer(detector: Detector(rows: 60, columns: 60, pc: mean), phases: [.nickel])
    let errors = (0..<9).map { k -> Double in
        guard let raw = try? stack.read(k..<(k + 1)), let s = hi.index(zip(raw, bg).map { $0 - $1 }).0 else { return 180 }
        let ref = Rotation(euler: EulerAngles(eulers[k][0], eulers[k][1], eulers[k][2]))
        return Orientation(s.rotation, .cubicHigh).disorientationAngle(to: Orientation(ref, .cubicHigh)) * 180 / .pi
    }
    var rec: [String: Any] = [
        "case": "hough_real_ni", "n": 9, "bands": HoughIndexer.defaultBandCount, "errors_deg": errors, "median_deg": median(errors),
    ]
    if let p = peer([dir, "\(HoughIndexer.defaultBandCount)"], script: "pyebsdindex_real_ni_peer.py") {
        rec["peer"] = "PyEBSDIndex through kikuchipy EBSD.hough_indexing, same patterns and PC"
        rec["peer_errors_deg"] = p["errors_deg"]
        rec["peer_median_deg"] = p["median_deg"]
    } else {
        rec["peer"] = peerUnavailable("kikuchipy and pyebsdindex")
    }
    emit(rec)
}
