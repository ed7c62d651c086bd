import Foundation
import Crystallography
import CrystalMaps
import DetectorGeometry
import EBSDCore
import PatternSimulation
import PatternStacks

/// Refines every indexed orientation of a crystal map against its patterns, streaming the
/// stack in chunks (memory stays flat), with the options of ``RefinementOptions``: one PC for
/// the whole map, per-pattern PCs, pseudo-symmetry variants and the neighbour check.
///
/// Scores: the refined NCC is written as `score` (``MapProperty``); a Hough `ci` is kept as it was.
public struct MapRefiner: Sendable {
    public var signal: PatternSignal
    public let master: MasterPattern
    public var options: RefinementOptions

    /// What a refinement found besides the map.
    public struct Report: Sendable, CustomStringConvertible {
        /// The map PC (Bruker) when ``RefinementOptions/mapPCPatterns`` > 0, the PC it replaced, and its uncertainty
        /// (standard deviation over the calibration's restarts).
        public var mapPC: (refined: PatternCenter, previous: PatternCenter, patterns: Int, spread: PatternCenter?)?
        /// Median of the per-pattern PCs (Bruker) when ``RefinementOptions/refinePC``.
        public var medianPatternPC: (pc: PatternCenter, patterns: Int)?
        /// Patterns refined, and in how many a pseudo-symmetry variant won.
        public var refined = 0, variantWins = 0
        /// Neighbour check: pixels checked and changed.
        public var neighbourCheck: (checked: Int, changed: Int)?

        public init() {}

        public var description: String {
            var lines: [String] = []
            if let m = mapPC {
                lines.append(
                    String(
                        format: "map PC (Bruker) from %d patterns: %.4f %.4f %.4f (was %.4f %.4f %.4f)",
                        m.patterns, m.refined.x, m.refined.y, m.refined.z, m.previous.x, m.previous.y, m.previous.z)
                        + (m.spread.map { String(format: ", spread over restarts ± %.4f %.4f %.4f", $0.x, $0.y, $0.z) } ?? ""))
            }
            if let p = medianPatternPC {
                lines.append(
                    String(format: "per-pattern PCs (Bruker): median %.4f %.4f %.4f over %d patterns", p.pc.x, p.pc.y, p.pc.z, p.patterns))
            }
            if variantWins > 0 { lines.append("pseudo-symmetry: a variant won in \(variantWins) of \(refined) patterns") }
            if let n = neighbourCheck {
                lines.append("neighbour check: \(n.checked) pixels below the threshold or not indexed, \(n.changed) changed")
            }
            return lines.joined(separator: "\n")
        }
    }

    public init(signal: PatternSignal, master: MasterPattern, options: RefinementOptions = RefinementOptions()) {
        self.signal = signal
        self.master = master
        self.options = options
    }

    /// The per-pattern refiner these options make for a map of Laue group `group`.
    public func orientationRefiner(group: LaueGroup, signal: PatternSignal? = nil) -> OrientationRefiner {
        var r = OrientationRefiner(signal: signal ?? self.signal, master: master)
        r.refinePC = options.refinePC
        if options.fastSearch { r.quadraticModel = OrientationRefiner.fastSearch }
        if !options.pseudoSymmetry.isEmpty {
            r.variants = PseudoSymmetryOperator.variants(of: options.pseudoSymmetry.map(\.rotation), in: group)
        }
        return r
    }

    /// Refines `pixels` (default: every indexed pixel) of `map`; `progress(done, total)` after each chunk.
    public func refine(
        _ map: CrystalMap, stack: PatternStack, pixels: [Int]? = nil,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> (CrystalMap, Report) {
        guard stack.count == map.count else {
            throw MatchingError("\(stack.path) holds \(stack.count) patterns but the map has \(map.count) pixels")
        }
        let group = map.phases.first?.phase.laueGroup ?? .cubicHigh
        var report = Report()
        var signal = self.signal
        var out = map
        if options.mapPCPatterns > 0 {
            let (pc, used, spread) = try mapPatternCenter(map, stack: stack)
            report.mapPC = (pc, signal.detector.pc(), used, spread)
            signal = signal.with(patternCenter: pc)
            out.metadata["pattern_center_bruker"] = String(format: "%.5f %.5f %.5f", pc.x, pc.y, pc.z)
        }
        let refiner = orientationRefiner(group: group, signal: signal)
        var refinedPCs: [PatternCenter] = []
        var pcColumns = [[Float]](repeating: [Float](repeating: .nan, count: options.refinePC ? map.count : 0), count: 3)
        var score = map.properties[MapProperty.score] ?? [Float](repeating: 0, count: map.count)
        let todo = pixels ?? (0..<map.count).filter { map.isIndexed($0) }
        let chunk = signal.patternsPerChunk(memoryBytes: options.memoryBytes, stack: stack, maximum: RefinementOptions.maximumChunk)
        for start in stride(from: 0, to: todo.count, by: chunk) {
            let ids = Array(todo[start..<min(todo.count, start + chunk)])
            let raw = try stack.read(pixels: ids)
            // a detector with one PC per map point (instrument files) refines each pattern with its own; a shard of
            // map rows (a stack whose first point is not 0) looks them up in the whole map's PCs
            let first = stack.firstPoint, all = signal.detector.pcs
            let pcs = all.count > 1 && all.count >= first + map.count ? ids.map { all[first + $0] } : [signal.detector.pc()]
            let res = refiner.refine(
                prepared: signal.prepareExperimental(raw, count: ids.count), starts: ids.map { map.rotations[$0] }, pcs: pcs)
            for (k, i) in ids.enumerated() {
                out.rotations[i] = res[k].rotation
                score[i] = res[k].score
                if res[k].variant > 0 { report.variantWins += 1 }
                if options.refinePC {
                    refinedPCs.append(res[k].pc)
                    pcColumns[0][i] = Float(res[k].pc.x)
                    pcColumns[1][i] = Float(res[k].pc.y)
                    pcColumns[2][i] = Float(res[k].pc.z)
                }
            }
            progress?(start + ids.count, todo.count)
        }
        report.refined = todo.count
        out.properties[MapProperty.score] = score
        if !refinedPCs.isEmpty {
            // each refined pattern's own PC (Bruker) as map columns; NaN where a pattern was not refined
            for (name, column) in zip([MapProperty.patternCenterX, MapProperty.patternCenterY, MapProperty.patternCenterZ], pcColumns) {
                out.properties[name] = column
            }
            out.metadata["pattern_center_convention"] = "bruker"
            let pc = PatternCenter(median(refinedPCs.map(\.x)), median(refinedPCs.map(\.y)), median(refinedPCs.map(\.z)))
            report.medianPatternPC = (pc, refinedPCs.count)
        }
        if options.neighbourCheckThreshold > 0 {
            var checker = self
            checker.signal = signal
            let (m, checked, changed) = try checker.checkNeighbours(out, stack: stack, threshold: options.neighbourCheckThreshold)
            out = m
            report.neighbourCheck = (checked, changed)
        }
        return (out, report)
    }

    /// One PC for the map: the best-scoring indexed pixel of each of `mapPCPatterns` stretches of the map, calibrated
    /// together by pattern matching (``MatchingPCCalibration``: a grid within ±``RefinementOptions/mapPCRange``,
    /// then Nelder–Mead, orientations refined at every trial PC) from ``RefinementOptions/mapPCRestarts`` random
    /// starts; the best PC, the patterns used and the spread of the restarts.
    func mapPatternCenter(_ map: CrystalMap, stack: PatternStack) throws -> (PatternCenter, Int, PatternCenter?) {
        // the most confident pixel of each stretch: by its NCC where the map was matched, else by its Hough CI
        let scores =
            map.properties[MapProperty.score] ?? map.properties[MapProperty.confidenceIndex]
            ?? [Float](repeating: 1, count: map.count)
        let indexed = (0..<map.count).filter { map.isIndexed($0) }
        guard !indexed.isEmpty else { throw MatchingError("the map has no indexed pixel to refine a PC on") }
        let stretch = max(1, indexed.count / options.mapPCPatterns)
        let picks = stride(from: 0, to: indexed.count, by: stretch).compactMap { s in
            indexed[s..<min(indexed.count, s + stretch)].max { scores[$0] < scores[$1] }
        }
        var cal = MatchingPCCalibration(signal: signal, master: master)
        cal.search.range = options.mapPCRange
        let r = cal.calibrate(
            try stack.read(pixels: picks), count: picks.count, starts: picks.map { map.rotations[$0] }, start: signal.detector.pc(),
            restarts: options.mapPCRestarts > 1 ? options.mapPCRestarts : nil)
        return (r.pc, picks.count, r.spread)
    }
}

extension MapRefiner {
    /// The reference study's neighbour check on its own: pixels below `threshold` NCC (the map's
    /// `score`, which pattern matching or refinement wrote), or not indexed, try their 8 neighbours' orientations on
    /// their own patterns; returns the map and the pixels checked and changed. A map without `score` is an error.
    public func checkNeighbours(
        _ map: CrystalMap, stack: PatternStack, threshold: Double
    ) throws -> (CrystalMap, checked: Int, changed: Int) {
        guard let scores = map.properties[MapProperty.score] else {
            throw MatchingError(
                "the neighbour check compares NCCs, and the map holds none (`score`): refine or match it first")
        }
        let check = NeighbourCheck(threshold: Float(threshold))
        let signal = self.signal
        let projector = PatternProjector(master: master, detector: signal.detector.withMeanPC)
        let (m, changed, checked) = try check.apply(map, scores: scores, signal: signal, projector: projector) { i in
            signal.prepareExperimental(try stack.read(i..<(i + 1)), count: 1)
        }
        return (m, checked, changed)
    }
}
