import ArgumentParser
import Crystallography
import PatternMatching

/// Options for refinement and the neighbour check; they map onto ``RefinementOptions``.
struct RefineOptions: ParsableArguments {
    static let defaults = RefinementOptions()

    @Flag(help: "Refine the pattern centre per pattern too (reported as a median; the map keeps one PC).") var refinePC = defaults.refinePC
    @Option(
        help: ArgumentHelp(
            "Refine one PC for the whole map first, on this many well-matched patterns spread over the map calibrated together "
                + "by pattern matching (grid within ±--map-pc-range, then Nelder–Mead), then every orientation with it (0 = off)."))
    var mapPC = defaults.mapPCPatterns
    @Option(help: "Search half-width of --map-pc around the current PC (Bruker units).") var mapPCRange = defaults.mapPCRange
    @Option(help: "Random restarts of --map-pc; their spread is printed as the PC's uncertainty.") var mapPCRestarts = defaults
        .mapPCRestarts
    @Option(help: "Pseudo-symmetry operator ANGLE@UVW whose variants are refined too (repeatable), e.g. 60@111.") var pseudoSymmetry:
        [String] = []
    @Option(help: "Neighbour check: pixels below this NCC (or not indexed) try their neighbours' orientations (0 = off).")
    var neighbourCheck = defaults.neighbourCheckThreshold
    @Flag(
        help: ArgumentHelp(
            "Faster orientation search by successive quadratic models (about 50 instead of 64 projections per pattern; "
                + "as precise as Nelder–Mead on kinematical-like patterns, slightly less on very sharp ones)."))
    var fastRefine = defaults.fastSearch

    func validate() throws { _ = try options() }

    /// The refinement options, with the `--memory` budget of the command's matching options where it has one.
    func options(memoryBytes: Int? = nil) throws -> RefinementOptions {
        var o = RefinementOptions()
        o.memoryBytes = memoryBytes ?? o.memoryBytes
        o.refinePC = refinePC
        o.mapPCPatterns = mapPC
        o.mapPCRange = mapPCRange
        o.mapPCRestarts = mapPCRestarts
        o.neighbourCheckThreshold = neighbourCheck
        o.fastSearch = fastRefine
        do { try o.validate() } catch { throw flagError(error) }
        o.pseudoSymmetry = try pseudoSymmetry.map { s in
            do { return try PseudoSymmetryOperator(parsing: s) } catch { throw ValidationError("\(error)") }
        }
        return o
    }
}
