import EBSDCore
import Foundation
import Crystallography
import DetectorGeometry
import HoughIndexing
import PatternMatching
import PatternSimulation
import Preprocessing

/// The pattern-centre calibration a user runs (Bruker convention): the global Hough/Radon calibration
/// (``HoughIndexing/HoughPCCalibration``) and, with a master pattern, the pattern-matching calibration from its result
/// (``PatternMatching/MatchingPCCalibration``, orientations from Hough at the Hough PC, Nelder–Mead within
/// ``matchingRange``), on patterns binned to at most ``matchingSize`` pixels across. Patterns are given with
/// any static background already removed; the matching side removes the dynamic background (σ = width/8).
public struct HoughThenMatchingPCCalibration: Sendable {
    /// Patterns per side of the square each grid point's PC is calibrated on unless given: 3 × 3.
    public static let defaultNeighbourhood = 3
    public var hough: HoughPCCalibration
    public var master: MasterPattern?
    /// Patterns wider than this are binned for the matching stage (precision enough, far faster).
    public var matchingSize = 120
    /// The matching stage's search half-width around the Hough PC (its first simplex is a quarter of it).
    public var matchingRange = 0.02

    public init(detector: Detector, phases: [Phase], master: MasterPattern? = nil) {
        hough = HoughPCCalibration(detector: detector, phases: phases)
        self.master = master
    }

    /// What each stage found.
    public struct Result: Sendable {
        /// The calibrated PC: the matching stage's where it ran, else the Hough stage's.
        public var pc: PatternCenter
        public var hough: HoughPCCalibration.Result
        public var matching: MatchingPCCalibration.Result?
        /// Spread of the PC over the restarts (of the stage that decided), nil without restarts.
        public var spread: PatternCenter?
    }

    /// Calibrates from `start`; with `restarts`, each stage restarts that often (seeded) and reports its spread.
    public func calibrate(_ patterns: [[Float]], start: PatternCenter, restarts: Int? = nil, seed: UInt64 = 1) -> Result {
        let h =
            restarts.map { hough.calibrate(patterns, start: start, restarts: $0, seed: seed) } ?? hough.calibrate(patterns, start: start)
        guard let master, !patterns.isEmpty else { return Result(pc: h.pc, hough: h, matching: nil, spread: h.spread) }
        var det = hough.template
        det.pcs = [h.pc]
        let hi = HoughIndexer(detector: det, phases: hough.phases, bandCount: hough.bandCount, familyCount: hough.familyCount)
        // with several phases, only the patterns Hough reads as the master's phase are matched against it
        let found = patterns.map { hi.index($0).0 }
        let masterPhase = master.description.flatMap { d in hough.phases.firstIndex { $0.name.lowercased() == d.phase.lowercased() } }
        var used = Array(patterns.indices)
        if hough.phases.count > 1, let masterPhase {
            let own = used.filter { found[$0]?.phaseIndex == masterPhase }
            if !own.isEmpty { used = own }
        }
        let starts = used.map { found[$0]?.rotation ?? .identity }
        let factor = max(1, (det.columns + matchingSize - 1) / matchingSize)
        let binned = det.binned(by: factor)
        let background = DynamicBackground.defaultSigma(columns: det.columns)
        var steps: [PreprocessStep] = [.dynamicBackground(sigma: background, operation: .subtract)]
        if factor > 1 { steps.append(.binning(factor: factor)) }
        let signal = PatternSignal(detector: binned, experimental: Preprocessor(rows: det.rows, columns: det.columns, steps: steps))
        var cal = MatchingPCCalibration(signal: signal, master: master)
        cal.search.range = matchingRange
        cal.search.gridPoints = 1
        cal.search.localStep = matchingRange / 4
        let raw = used.flatMap { patterns[$0] }
        let m =
            restarts.map { cal.calibrate(raw, count: used.count, starts: starts, start: h.pc, restarts: $0, seed: seed) }
            ?? cal.calibrate(raw, count: used.count, starts: starts, start: h.pc)
        return Result(pc: m.pc, hough: h, matching: m, spread: m.spread)
    }

    /// A PC map: calibrates each point of a `rows` × `columns` grid spread evenly over the map of `stack` (from
    /// `start`, on the patterns of the `neighbourhood` × `neighbourhood` map points around it, which share its PC
    /// and average their noise), then fits ``DetectorGeometry/PCMap``'s plane to them. `background` is subtracted
    /// from every pattern first. Refused when the grid is larger than the map.
    public func calibrateGrid(
        _ stack: PatternStack, rows: Int, columns: Int, start: PatternCenter, background: [Float]? = nil,
        neighbourhood: Int = HoughThenMatchingPCCalibration.defaultNeighbourhood,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> PCMap {
        guard rows >= 1, columns >= 1, rows * columns >= 3 else {
            throw PCMapError.invalid("a calibration grid needs at least 3 points, got \(rows) × \(columns)")
        }
        guard rows <= stack.mapRows, columns <= stack.mapColumns else {
            throw PCMapError.invalid(
                "the calibration grid \(rows) × \(columns) is larger than the map of \(stack.path) "
                    + "(\(stack.mapRows) × \(stack.mapColumns))")
        }
        var points: [(row: Int, column: Int, pc: PatternCenter)] = []
        for gr in 0..<rows {
            for gc in 0..<columns {
                let r = Int((Double(gr) + 0.5) * Double(stack.mapRows) / Double(rows))
                let c = Int((Double(gc) + 0.5) * Double(stack.mapColumns) / Double(columns))
                let half = max(0, neighbourhood / 2)
                var patterns: [[Float]] = []
                for rr in max(0, r - half)...min(stack.mapRows - 1, r + half) {
                    let lo = rr * stack.mapColumns + max(0, c - half), hi = rr * stack.mapColumns + min(stack.mapColumns - 1, c + half)
                    let block = try stack.read(lo..<(hi + 1))
                    for k in 0..<(hi + 1 - lo) {
                        var p = Array(block[(k * stack.patternSize)..<((k + 1) * stack.patternSize)])
                        if let background { for q in p.indices { p[q] -= background[q] } }
                        patterns.append(p)
                    }
                }
                points.append((r, c, calibrate(patterns, start: start).pc))
                progress?(points.count, rows * columns)
            }
        }
        return try PCMap.fit(points, mapRows: stack.mapRows, mapColumns: stack.mapColumns)
    }
}
