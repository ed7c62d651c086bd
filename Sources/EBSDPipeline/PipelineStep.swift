/// One step of a protocol, with its own typed parameters and defaults. Steps that make a
/// map write `NN-step.ang`; `grains` and `ipf` write tables and figures.
public enum PipelineStep: Sendable, Hashable {
    case nlpar(NLPARStep)
    case hough(HoughStep)
    case match(MatchStep)
    case refine(RefineStep)
    case neighbourCheck(NeighbourCheckStep)
    case wildSpikes(WildSpikesStep)
    case fill(FillStep)
    case pseudoSymmetry(PseudoSymmetryStep)
    case minGrainSize(MinGrainSizeStep)
    case grains(GrainsStep)
    case ipf(IPFStep)

    /// Every step type, in the order a protocol usually runs them.
    public static let kinds: [any RecipeStepParameters.Type] = [
        NLPARStep.self, HoughStep.self, MatchStep.self, RefineStep.self, NeighbourCheckStep.self, WildSpikesStep.self, FillStep.self,
        PseudoSymmetryStep.self, MinGrainSizeStep.self, GrainsStep.self, IPFStep.self,
    ]

    /// The step's name in recipes, e.g. "neighbour_check".
    public var name: String { type(of: parameters).stepName }

    /// The step's parameters.
    public var parameters: any RecipeStepParameters {
        switch self {
        case .nlpar(let p): return p
        case .hough(let p): return p
        case .match(let p): return p
        case .refine(let p): return p
        case .neighbourCheck(let p): return p
        case .wildSpikes(let p): return p
        case .fill(let p): return p
        case .pseudoSymmetry(let p): return p
        case .minGrainSize(let p): return p
        case .grains(let p): return p
        case .ipf(let p): return p
        }
    }

    /// True for steps that make a new map (the others write tables and figures).
    public var makesMap: Bool {
        switch self {
        case .grains, .ipf, .nlpar: return false
        default: return true
        }
    }

    /// True for steps that index a stack without a map to start from.
    public var indexes: Bool {
        switch self {
        case .hough, .match: return true
        default: return false
        }
    }

    /// True for steps that work pattern by pattern, so that a shard of whole map rows can run them on its own
    /// (given ``neighbourRows`` rows beyond its borders): NLPAR, Hough, matching, refinement without a map-wide
    /// PC (`map_pc`), the neighbour check. Clean-up, grains and figures need the whole map.
    public var perPattern: Bool {
        switch self {
        case .nlpar, .hough, .match, .neighbourCheck: return true
        case .refine(let p): return p.refinement.mapPCPatterns == 0
        default: return false
        }
    }

    /// Map rows beyond a shard's borders whose result of the previous step this step reads: 1 for a neighbour
    /// check (its 8 neighbours' orientations), else 0. (NLPAR reads its neighbours' raw patterns itself.)
    public var neighbourRows: Int {
        switch self {
        case .neighbourCheck: return 1
        case .match(let p): return p.seed == .hough ? 1 : 0  // the seed check reads the 8-neighbours
        case .refine(let p): return p.refinement.neighbourCheckThreshold > 0 ? 1 : 0
        default: return 0
        }
    }

    /// True for steps that read the pattern stack.
    public var needsPatterns: Bool {
        switch self {
        case .nlpar, .hough, .match, .refine, .neighbourCheck: return true
        case .pseudoSymmetry(let p): return p.verify
        default: return false
        }
    }

    /// True for steps that simulate patterns from a master pattern.
    public var needsMasterPattern: Bool {
        switch self {
        case .match, .refine, .neighbourCheck: return true
        case .pseudoSymmetry(let p): return p.verify
        default: return false
        }
    }

    /// Reads step number `number` (from 1) named `name` with its parameters.
    static func read(number: Int, name: String, parameters decoder: Decoder?) throws -> PipelineStep {
        var r = try StepParameters(number: number, name: name, decoder: decoder)
        let step: PipelineStep
        switch name {
        case NLPARStep.stepName: step = .nlpar(try NLPARStep(recipe: &r))
        case HoughStep.stepName: step = .hough(try HoughStep(recipe: &r))
        case MatchStep.stepName: step = .match(try MatchStep(recipe: &r))
        case RefineStep.stepName: step = .refine(try RefineStep(recipe: &r))
        case NeighbourCheckStep.stepName: step = .neighbourCheck(try NeighbourCheckStep(recipe: &r))
        case WildSpikesStep.stepName: step = .wildSpikes(try WildSpikesStep(recipe: &r))
        case FillStep.stepName: step = .fill(try FillStep(recipe: &r))
        case PseudoSymmetryStep.stepName: step = .pseudoSymmetry(try PseudoSymmetryStep(recipe: &r))
        case MinGrainSizeStep.stepName: step = .minGrainSize(try MinGrainSizeStep(recipe: &r))
        case GrainsStep.stepName: step = .grains(try GrainsStep(recipe: &r))
        case IPFStep.stepName: step = .ipf(try IPFStep(recipe: &r))
        default:
            let known = kinds.map { $0.stepName }.joined(separator: ", ")
            throw RecipeError("step \(number): unknown step '\(name)' (known: \(known))")
        }
        try r.finish()
        return step
    }
}
