import Foundation
import Testing
import TestSupport
import EBSDPipeline

/// Issue 27 item 2: the streamed passes read their patterns in chunks sized by a byte budget, not a pattern count.
/// A source that logs its reads stands between each pass and the real Ni patterns; the results do not depend on
/// the budget.
@Suite(.needsSharedData) struct ByteBudgetTests {
    /// The largest read (patterns) and the patterns read in all.
    final class ReadLog: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var largest = 0, total = 0
        func add(_ n: Int) {
            lock.lock()
            defer { lock.unlock() }
            largest = max(largest, n)
            total += n
        }
    }

    /// A pattern source that logs every read of the source it wraps.
    struct LoggingSource: PatternSource {
        let base: any PatternSource
        let log: ReadLog
        var path: String { base.path }
        var patternRows: Int { base.patternRows }
        var patternColumns: Int { base.patternColumns }
        var count: Int { base.count }
        var mapShape: (rows: Int, columns: Int)? { base.mapShape }
        var metadata: StackMetadata? { base.metadata }
        func read(_ range: Range<Int>) throws(PatternStackError) -> [Float] {
            log.add(range.count)
            return try base.read(range)
        }
    }

    static func logged(_ ni: NickelData) throws -> (PatternStack, ReadLog) {
        let log = ReadLog()
        let memory = try MemoryPatternSource(
            data: ni.raw, patternRows: NickelData.rows, patternColumns: NickelData.columns, mapShape: (3, 3))
        return (try PatternStack(source: LoggingSource(base: memory, log: log)), log)
    }

    /// Hough: a budget of 2 patterns' bytes reads 2 at a time and gives the map the default budget gives.
    @Test func houghReadsByBytes() throws {
        let ni = try NickelData()
        let hough = try HoughIndexer(detector: Detector(rows: 60, columns: 60, pc: ni.meanPC), phases: [.nickel])
        let (stack, log) = try Self.logged(ni)
        let patternBytes = stack.patternSize * MemoryLayout<Float>.size
        let small = try hough.index(stack: stack, chunkBytes: 2 * patternBytes + patternBytes / 2)
        #expect(log.largest == 2 && log.total == NickelData.count)
        let whole = try hough.index(stack: stack)
        #expect(log.largest == NickelData.count)
        #expect(small.rotations == whole.rotations && small.phaseIndex == whole.phaseIndex)
    }

    /// Refinement: a quarter of `memory` holds each chunk's raw and prepared patterns (3 here); the refined map is
    /// the one a 2 GB budget gives.
    @Test func refinementReadsByBytes() throws {
        let ni = try NickelData()
        let master = try MasterPattern.read(NickelData.masterPath)
        let (stack, log) = try Self.logged(ni)
        var options = MatchingSignalOptions()
        options.staticBackground = .none
        let signal = try options.signal(detector: Detector(rows: 60, columns: 60, pc: ni.meanPC), stack: stack)
        let start = makeMap(rows: 3, columns: 3, { r, c in r * 3 + c }, ni.references, phase: .nickel)
        var refinement = RefinementOptions()
        refinement.memoryBytes = 4 * 3 * (stack.patternSize + signal.length) * MemoryLayout<Float>.size
        let (small, _) = try MapRefiner(signal: signal, master: master, options: refinement).refine(start, stack: stack)
        #expect(log.largest == 3 && log.total == NickelData.count)
        let (whole, _) = try MapRefiner(signal: signal, master: master).refine(start, stack: stack)
        #expect(log.largest == NickelData.count)
        #expect(small.rotations == whole.rotations && small.properties[MapProperty.score] == whole.properties[MapProperty.score])
        refinement.memoryBytes = 0
        #expect(throws: MatchingError.self) { try refinement.validate() }
    }

    /// The map rows a budget holds: at least one, whole rows only.
    @Test func rowsAndPatternsFitting() throws {
        let (stack, _) = try Self.logged(try NickelData())
        let patternBytes = stack.patternSize * MemoryLayout<Float>.size
        #expect(stack.patterns(fitting: 0) == 1 && stack.patterns(fitting: 5 * patternBytes - 1) == 4)
        #expect(stack.mapRows(fitting: 5 * patternBytes) == 1 && stack.mapRows(fitting: 6 * patternBytes) == 2)
        #expect(stack.mapRows(fitting: 1) == 1)
    }
}
