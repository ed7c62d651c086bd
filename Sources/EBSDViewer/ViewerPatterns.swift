import Foundation
import Crystallography
import CrystalMaps
import DetectorGeometry
import EBSDPipeline
import HoughIndexing
import PatternMatching
import PatternSimulation
import PatternStacks
import Preprocessing

/// The pattern side of the viewer: a map's pattern stack (same scan order, one pattern per map point), its detector,
/// and optionally a master pattern of the map's phase. Answers, for one point, its pattern as read, as preprocessed for
/// matching (``PatternMatching/PatternSignal``), the pattern simulated at its orientation with the same detector and
/// blur, their NCC, the Hough bands detected in it and the bands its orientation predicts.
public struct ViewerPatterns: Sendable {
    public let stack: PatternStack
    public let detector: Detector
    /// The master pattern and the phase it shows, or nil (no simulation, predicted bands still drawn).
    public let master: (pattern: MasterPattern, phase: Phase)?
    public let signal: PatternSignal
    public let hough: HoughIndexer
    let projector: PatternProjector?
    /// Patterns averaged for the static background (the stack's mean) when the signal subtracts it: evenly spread.
    public static let backgroundSample = 1000
    /// At most this many patterns are averaged for a grain's pattern (evenly spread over its points).
    public static let grainAverageLimit = 400

    /// Checks `stack` against `map` (same number of points; the map's phases known to the Hough indexer) and prepares
    /// the matching signal (`signalOptions`) and the Hough indexer (`houghSettings`) — a recipe's steps' settings, or
    /// the library's defaults. Throws a ``ViewerError`` saying why patterns cannot be shown.
    public init(
        map: CrystalMap, stack: PatternStack, detector: Detector, master: (pattern: MasterPattern, phase: Phase)?,
        signalOptions: MatchingSignalOptions = MatchingSignalOptions(), houghSettings: HoughStep = HoughStep(),
        voltageKV: Double? = nil
    ) throws(ViewerError) {
        guard stack.count == map.count else {
            throw ViewerError(
                "\(stack.path) holds \(stack.count) patterns but the map has \(map.count) points "
                    + "(\(map.grid.rows) × \(map.grid.columns)): not this map's stack")
        }
        guard !map.phases.isEmpty else { throw ViewerError("the map names no phase: bands cannot be predicted") }
        guard stack.patternRows == detector.rows, stack.patternColumns == detector.columns else {
            throw ViewerError(
                "\(stack.path): patterns are \(stack.patternRows)×\(stack.patternColumns), "
                    + "the detector \(detector.rows)×\(detector.columns)")
        }
        if let m = master, !map.phases.contains(where: { $0.phase.name == m.phase.name }) {
            throw ViewerError("the master pattern shows \(m.phase.name); the map's phases are \(map.phases.map(\.phase.name))")
        }
        self.stack = stack
        self.detector = detector
        self.master = master
        do {
            let sample = Self.sampledMean(stack)
            signal = try signalOptions.signal(detector: detector, stack: stack, meanPattern: sample)
            let kv = voltageKV ?? stack.metadata?.voltageKV ?? master?.pattern.description?.voltageKV ?? Electron.defaultVoltageKV
            hough = try houghSettings.indexer(
                detector: detector, phases: Self.phases(of: map), voltageKV: kv, stack: stack, meanPattern: sample)
        } catch {
            throw ViewerError("\(stack.path): \(error)")
        }
        let simulated = signal.detector
        projector = master.map { PatternProjector(master: $0.pattern, detector: simulated) }
    }

    /// The map's phases with their atoms: a map file states a phase's lattice and symmetry only, so a phase the library
    /// knows by name (Na, Li, Al, Cu, Ni, Fe …) is taken from it (its reflectors need the structure factors).
    static func phases(of map: CrystalMap) -> [Phase] {
        map.phases.map { p in (try? Phase.resolve(p.phase.name)).flatMap { $0.laueGroup == p.phase.laueGroup ? $0 : nil } ?? p.phase }
    }

    /// The mean of at most ``backgroundSample`` patterns spread evenly over the stack.
    static func sampledMean(_ stack: PatternStack) -> [Float]? {
        let n = stack.count, k = min(n, backgroundSample)
        guard k > 0 else { return nil }
        var mean = [Double](repeating: 0, count: stack.patternSize)
        for j in 0..<k {
            guard let p = try? stack.read((j * n / k)..<(j * n / k + 1)) else { return nil }
            for i in mean.indices { mean[i] += Double(p[i]) }
        }
        return mean.map { Float($0 / Double(k)) }
    }

    /// Point `i`'s pattern as read (rows × columns of the stack).
    public func raw(_ i: Int) throws(ViewerError) -> [Float] {
        do { return try stack.read(i..<(i + 1)) } catch { throw ViewerError("\(stack.path): pattern \(i): \(error)") }
    }

    /// Everything the page shows of point `i` of `map`.
    public func views(_ i: Int, map: CrystalMap) throws(ViewerError) -> PatternViews {
        let pattern = try raw(i)
        return views(of: pattern, rotation: map.isIndexed(i) ? map.rotations[i] : nil, phase: map.phaseIndex[i], pcIndex: i)
    }

    /// The views of `pattern` (a point's or a grain's average) at orientation `rotation` of phase `phase` (map index).
    func views(of pattern: [Float], rotation: Rotation?, phase: Int32, pcIndex: Int) -> PatternViews {
        let pcI = detector.pcs.count > 1 ? pcIndex : 0
        var signalHere = signal
        if detector.pcs.count > 1 { signalHere = signal.with(patternCenter: detector.pc(at: pcIndex)) }
        let processed = signalHere.experimental.apply(pattern)
        var simulated: [Float]?
        var ncc: Double?
        if let g = rotation, let projector {
            var p = PatternProjector(master: projector.master, detector: signalHere.detector).pattern(g)
            if let blur = signalHere.simulatedBlur {
                var scratch = [Float](repeating: 0, count: p.count)
                p.withUnsafeMutableBufferPointer { pb in
                    scratch.withUnsafeMutableBufferPointer { blur.apply(pb.baseAddress!, scratch: $0.baseAddress!) }
                }
            }
            simulated = p
            ncc = Self.ncc(processed, p, active: signalHere.active)
        }
        let result = hough.analyse(pattern)
        let houghPC = hough.detector.pc(at: pcI)
        let detected = result.bands.compactMap {
            BandLine(theta: $0.theta, rho: $0.rho, pc: houghPC, rows: hough.detector.rows, columns: hough.detector.columns)
        }
        var predicted: [BandLine] = []
        // the Hough indexer's libraries are the map's phases in the map's order
        if let g = rotation, let library = hough.indexer.libraries[safe: Int(phase)] {
            for (k, n) in library.normals.enumerated() {
                guard var line = BandLine(plane: n, orientation: g, detector: detector, pcIndex: pcI) else { continue }
                line.hkl = library.millerIndices[k]
                line.family = "{" + library.familyIndices[library.family[k]].map(String.init).joined() + "}"
                predicted.append(line)
            }
        }
        return PatternViews(
            raw: pattern, rawShape: (stack.patternRows, stack.patternColumns), processed: processed,
            processedShape: (signal.detector.rows, signal.detector.columns), simulated: simulated, ncc: ncc,
            detectedBands: detected, predictedBands: predicted,
            houghSolution: result.solution.map { (hough.phases[$0.phaseIndex].name, $0.rotation, $0.bandsMatched, $0.confidence) })
    }

    /// The mean of the patterns of `points` (at most ``grainAverageLimit``, evenly spread).
    public func average(_ points: [Int]) throws(ViewerError) -> [Float] {
        let k = min(points.count, Self.grainAverageLimit)
        guard k > 0 else { throw ViewerError("no points to average") }
        var mean = [Float](repeating: 0, count: stack.patternSize)
        for j in 0..<k {
            let p = try raw(points[j * points.count / k])
            for i in mean.indices { mean[i] += p[i] }
        }
        return mean.map { $0 / Float(k) }
    }

    /// Normalised cross-correlation of two patterns over the active pixels.
    static func ncc(_ a: [Float], _ b: [Float], active: [Int32]) -> Double {
        var ma = 0.0, mb = 0.0
        for i in active {
            ma += Double(a[Int(i)])
            mb += Double(b[Int(i)])
        }
        ma /= Double(max(1, active.count))
        mb /= Double(max(1, active.count))
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in active {
            let x = Double(a[Int(i)]) - ma, y = Double(b[Int(i)]) - mb
            sab += x * y
            saa += x * x
            sbb += y * y
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
