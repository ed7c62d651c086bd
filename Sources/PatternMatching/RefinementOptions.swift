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
    /// Patterns read and refined together (memory ∝ chunk × pattern size).
    public var chunkSize = 512

    public init() {}
}
