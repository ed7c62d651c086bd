import Foundation
import Crystallography
import CrystalMaps
import PatternSimulation
import PatternStacks
import Preprocessing

/// Dictionary indexing of a whole stack into a crystal map, by the full dictionary
/// (``DictionaryIndexer``, one `sgemm` per block) or, with ``DictionaryMatchOptions/fast``,
/// the PCA-compressed one (``FastMatcher``), the stack streamed in chunks either way.
public struct StackMatcher: Sendable {
    public let signal: PatternSignal
    public let master: MasterPattern
    public let phase: Phase
    public let options: DictionaryMatchOptions
    /// The dictionary's orientations (cubochoric sample of the phase's fundamental zone).
    public let rotations: [Rotation]

    /// What matching did besides the map.
    public struct Report: Sendable {
        public var dictionaryPatterns = 0
        public var simulationSeconds = 0.0
        public var dictionaryFromCache = false
        /// Energy kept by the compressed dictionary (fast matcher only).
        public var energyKept: Double?
        /// Patterns left not indexed because their best NCC is below the minimum score.
        public var belowMinimumScore = 0

        public init() {}
    }

    public init(
        signal: PatternSignal, master: MasterPattern, phase: Phase, options: DictionaryMatchOptions = DictionaryMatchOptions()
    ) throws {
        try options.validate()
        self.signal = signal
        self.master = master
        self.phase = phase
        self.options = options
        rotations = OrientationSampling.fundamentalZone(phase.laueGroup, resolution: options.resolutionDegrees)
    }

    /// The full-dictionary indexer these options make.
    public var indexer: DictionaryIndexer {
        var di = DictionaryIndexer(signal: signal, master: master, rotations: rotations)
        di.k = options.keep
        di.memoryBytes = options.memoryBytes
        di.cache = options.dictionaryCachePath.map(DictionaryCache.init)
        di.precision = options.precision
        return di
    }

    /// Matches every pattern of `stack` into a map of `stack`'s shape and step (``PatternStack/stepMicrons``);
    /// `progress(done, total)` counts patterns.
    public func match(_ stack: PatternStack, progress: ((Int, Int) -> Void)? = nil) throws -> (CrystalMap, Report) {
        let di = indexer
        var report = Report()
        report.dictionaryPatterns = rotations.count
        let result: MatchResult
        if options.fast {
            let t0 = Date()
            guard let cd = CompressedDictionary(signal: signal, master: master, rotations: rotations, components: options.components) else {
                throw MatchingError("the dictionary's principal components could not be computed (LAPACK ssyevr failed)")
            }
            report.energyKept = cd.energyKept
            var fm = FastMatcher(signal: signal, master: master, dictionary: cd)
            fm.candidates = max(options.keep, fm.candidates)
            result = try fm.match(stack, memoryBytes: options.memoryBytes, progress: progress)
            report.simulationSeconds = Date().timeIntervalSince(t0)
        } else {
            let total = stack.count
            result = try di.match(stack: stack) { done, all in progress?(Int(Double(done) / Double(all) * Double(total)), total) }
            report.simulationSeconds = result.simulationSeconds
            report.dictionaryFromCache = result.dictionaryFromCache
        }
        let step = stack.stepMicrons
        let grid = MapGrid(rows: stack.mapRows, columns: stack.mapColumns, stepX: step, stepY: step)
        var map = di.crystalMap(result, grid: grid, phase: phase)
        report.belowMinimumScore = try finish(&map, stack: stack)
        return (map, report)
    }

    /// What every matched map of `stack` gets last: points whose NCC (`score`) is below ``DictionaryMatchOptions/minimumScore``
    /// and the stack's missing points left not indexed, then the pattern figures (``addPatternFigures(_:stack:chunkBytes:)``).
    /// Returns how many points the minimum score left not indexed.
    public func finish(_ map: inout CrystalMap, stack: PatternStack) throws -> Int {
        var below = 0
        if let floor = options.minimumScore, let score = map.properties[MapProperty.score] {
            for i in 0..<map.count where map.isIndexed(i) && score[i] < Float(floor) {
                map.phaseIndex[i] = -1
                below += 1
            }
        }
        for i in stack.missingPoints { map.phaseIndex[i] = -1 }
        try addPatternFigures(&map, stack: stack)
        return below
    }

    /// Matches only the map points `points` of `stack` against the full dictionary (read by ``PatternStack/read(pixels:)``):
    /// each point's best orientation and NCC, in the order given; `progress(done, total)` counts points.
    public func match(
        points: [Int], of stack: PatternStack, progress: ((Int, Int) -> Void)? = nil
    ) throws -> [(rotation: Rotation, score: Float)] {
        guard !points.isEmpty else { return [] }
        let r = try indexer.match(
            count: points.count, read: { range in try stack.read(pixels: Array(points[range])) },
            progress: { d, t in progress?(Int(Double(d) / Double(t) * Double(points.count)), points.count) })
        return (0..<points.count).map { (rotations[Int(max(0, r.indices[$0 * r.k]))], r.scores[$0 * r.k]) }
    }

    /// Adds the figures of merit that need no Hough transform (``PatternQuality``: sharpness, mean
    /// intensity) to a map of `stack`, streaming the stack once more.
    public func addPatternFigures(_ map: inout CrystalMap, stack: PatternStack, chunkBytes: Int = PatternStack.defaultChunkBytes) throws {
        let q = PatternQuality(rows: stack.patternRows, columns: stack.patternColumns)
        var sharp = [Float](repeating: 0, count: stack.count), mean = sharp
        try stack.forEachChunk(bytes: chunkBytes) { r, data in
            let m = q.measure(batch: data, count: r.count)
            sharp.replaceSubrange(r, with: m.sharpness)
            mean.replaceSubrange(r, with: m.meanIntensity)
        }
        map.properties[MapProperty.patternSharpness] = sharp
        map.properties[MapProperty.meanIntensity] = mean
    }
}
