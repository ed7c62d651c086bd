import Crystallography

/// What map refinement does besides refining each orientation by NCC (Nelder–Mead from
/// the map's orientation). Defaults: orientations only, no pseudo-symmetry variants, no
/// neighbour check, Nelder–Mead search.
public struct RefinementOptions: Sendable, Hashable {
    /// Refine the pattern centre per pattern too (reported as a median; the map keeps one PC).
    public var refinePC = false
    /// Refine one PC for the whole map first, on this many well-matched patterns spread over the map, calibrated
    /// together by pattern matching (``MatchingPCCalibration``; 0: off).
    public var mapPCPatterns = 0
    /// The map PC's search half-width around the current PC (Bruker units).
    public var mapPCRange = 0.05
    /// Random restarts of the map PC calibration (their spread is its uncertainty; ≤ 1: one run from the current PC).
    public var mapPCRestarts = 1
    /// Pseudo-symmetry operators whose variants are refined too (the best variant wins).
    public var pseudoSymmetry: [PseudoSymmetryOperator] = []
    /// Neighbour check after refinement: pixels below this NCC, or not indexed, try their
    /// neighbours' orientations (0: off).
    public var neighbourCheckThreshold = 0.0
    /// Orientation search by successive quadratic models instead of Nelder–Mead
    /// (about 50 instead of 64 projections per pattern).
    public var fastSearch = false
    /// Memory budget in bytes: a quarter of it holds the patterns read and prepared together (at most
    /// ``maximumChunk``), as dictionary matching does (``DictionaryMatchOptions/defaultMemoryBytes``).
    public var memoryBytes = DictionaryMatchOptions.defaultMemoryBytes
    /// The most patterns refined together (beyond it, progress would come too rarely for no gain in speed).
    public static let maximumChunk = 512

    public init() {}

    /// Checks the values on their own; the error's key is the recipe's spelling (`map_pc_range`).
    public func validate() throws(MatchingError) {
        guard mapPCPatterns >= 0 else { throw MatchingError(key: "map_pc", "must be ≥ 0 patterns (got \(mapPCPatterns))") }
        guard mapPCRange > 0, mapPCRange.isFinite else {
            throw MatchingError(key: "map_pc_range", "must be > 0 (Bruker units; got \(mapPCRange))")
        }
        guard mapPCRestarts >= 1 else { throw MatchingError(key: "map_pc_restarts", "must be ≥ 1 (got \(mapPCRestarts))") }
        guard neighbourCheckThreshold >= 0, neighbourCheckThreshold <= 1 else {
            throw MatchingError(key: "neighbour_check", "must be an NCC in 0…1 (0: off; got \(neighbourCheckThreshold))")
        }
        guard memoryBytes > 0 else { throw MatchingError(key: "memory", "must be positive (got \(memoryBytes) bytes)") }
    }
}
