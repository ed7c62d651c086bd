import EBSDCore
import MapSimulation
import Foundation
import Crystallography
import DetectorGeometry
import DynamicalSimulation
import EBSDNumerics
import PatternMatching
import PatternSimulation
import Preprocessing

/// Issue 8's and 16's figures: the run time of a dynamical Na master pattern (20 kV, 501 × 501, Monte Carlo +
/// Bloch waves; also with EMsoft's default energy range), our Ni master against EMsoft's (NCC per hemisphere, with our
/// Monte Carlo and with EMsoft's), and dictionary indexing +
/// refinement of noisy patterns simulated from the dynamical Na master, with the dynamical and with
/// the kinematical dictionary.
func dynamicalCase(scratch: URL, quick: Bool) {
    let size = quick ? 201 : 501
    let t0 = now()
    guard let naSim = try? DynamicalMasterSimulator(phase: .sodium, voltageKV: 20),
        let (na, naStats) = try? naSim.masterPattern(size: size)
    else {
        emit(["case": "dynamical", "error": "Na simulation failed"])
        return
    }
    let tNa = now() - t0
    var rec: [String: Any] = [
        "case": "dynamical_master_na20kV_\(size)", "seconds": tNa, "threads": cores,
        "monte_carlo_seconds": na.description?.seconds?["monte_carlo"] ?? 0, "bloch_seconds": na.description?.seconds?["bloch_waves"] ?? 0,
        "directions": na.description?.computedDirections ?? 0, "energy_bins": naSim.bins.count,
        "mean_strong_beams": na.description?.meanBeams?[0] ?? 0, "mean_weak_beams": na.description?.meanBeams?[1] ?? 0,
        "backscatter_yield": naStats.yield,
    ]
    // Na with EMsoft's default energy range (10-20 keV, 11 bins) instead of our default 18-20 keV
    if !quick, let wide = try? DynamicalMasterSimulator(phase: .sodium, voltageKV: 20, minimumEnergyKV: 10) {
        let t = now()
        if (try? wide.masterPattern(size: size)) != nil { rec["seconds_emsoft_energy_range_10_20keV"] = now() - t }
    }
    // Ni with EMsoft's run settings (EkeV 20.1, Ehistmin 20: one bin), on EMsoft's 401 grid, page by page; and our Bloch
    // waves on EMsoft's own Monte Carlo output
    let niDir = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/ni-master-20kv").path
    if let emsoft = try? MasterPattern.read(niDir + "/lambert_north_south.tif"),
        var ni = try? DynamicalMasterSimulator(phase: .nickel, voltageKV: 20.1, minimumEnergyKV: 20)
    {
        ni.electrons = 1_000_000
        let t1 = now()
        if let (m, _) = try? ni.masterPattern(size: emsoft.size) {
            rec["ni_seconds"] = now() - t1
            rec["ni_ncc_vs_emsoft_north"] = PatternNormalization.ncc(m.north, emsoft.north)
            rec["ni_ncc_vs_emsoft_south"] = PatternNormalization.ncc(m.south, emsoft.south)
        }
        if let file = try? EMsoftMasterFile(path: niDir + "/ni_mc_mp_20kv_uint8_gzip_opts9.h5"), let solvers = try? file.solvers(),
            let (m, _, _) = try? ni.masterPattern(size: emsoft.size, solvers: solvers)
        {
            rec["ni_on_emsoft_monte_carlo_ncc_north"] = PatternNormalization.ncc(m.north, emsoft.north)
            rec["ni_on_emsoft_monte_carlo_ncc_south"] = PatternNormalization.ncc(m.south, emsoft.south)
        }
    }
    // Na patterns from the dynamical master: 60 × 60, PC (0.5, 0.5, 0.6), degraded like the dev sets
    let n = quick ? 100 : 300
    let det = Detector(rows: 60, columns: 60, pc: PatternCenter(0.5, 0.5, 0.6), sampleTilt: 70, detectorTilt: 0)
    let truth = randomRotations(n, seed: 2024)
    let clean = PatternProjector(master: na, detector: det).patterns(truth)
    var deg = PatternDegradation(rows: 60, columns: 60)
    deg.seed = 8
    let blur = GaussianBlur(rows: 60, columns: 60, sigma: deg.psfSigma)
    var raw: [Float] = []
    for k in 0..<n { raw += deg.apply(Array(clean[(k * 3600)..<((k + 1) * 3600)]), index: k, blur: { blur.apply($0) }) }
    var bgMean = [Float](repeating: 0, count: 3600)
    for k in 0..<n { for i in 0..<3600 { bgMean[i] += raw[k * 3600 + i] / Float(n) } }
    let signal = PatternSignal(
        detector: det,
        experimental: Preprocessor(
            rows: 60, columns: 60,
            steps: [
                .staticBackground(image: bgMean, operation: .subtract), .dynamicBackground(sigma: 7.5, operation: .subtract),
            ]), simulatedBlurSigma: 0.8)
    func errors(_ r: [Rotation]) -> (Double, Double) {
        let e = zip(r, truth).map { Orientation($0, .cubicHigh).disorientationAngle(to: Orientation($1, .cubicHigh)) * 180 / .pi }.sorted()
        return (Double(e.filter { $0 <= 2 }.count) / Double(e.count), e[e.count / 2])
    }
    let rotations = OrientationSampling.fundamentalZone(.cubicHigh, resolution: quick ? 4 : 2)
    let kinPath = packageRoot.appendingPathComponent("MasterPatterns/Na-20kV-kinematical.tif").path
    for (label, master) in [("dynamical", na), ("kinematical", try? MasterPattern.read(kinPath))] {
        guard let master,
            let r = try? DictionaryIndexer(signal: signal, master: master, rotations: rotations).match(
                count: n, read: { Array(raw[($0.lowerBound * 3600)..<($0.upperBound * 3600)]) })
        else { continue }
        let starts = (0..<n).map { rotations[Int(r.indices[$0 * r.k])] }
        let (w, m) = errors(starts)
        rec["\(label)_dictionary_within2"] = w
        rec["\(label)_dictionary_median_deg"] = m
        let refined = benchRefiner(signal: signal, master: master).refine(
            prepared: signal.prepareExperimental(raw, count: n), starts: starts, pcs: [det.pc()])
        let (w1, m1) = errors(refined.map(\.rotation))
        rec["\(label)_refined_within2"] = w1
        rec["\(label)_refined_median_deg"] = m1
        rec["\(label)_mean_ncc"] = Double(refined.map(\.score).reduce(0, +)) / Double(n)
        rec["\(label)_refine_evaluations_per_pattern"] = Double(refined.map(\.evaluations).reduce(0, +)) / Double(n)
    }
    rec["na_patterns"] = n
    rec["dictionary"] = rotations.count
    emit(rec)
}
