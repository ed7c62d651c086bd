import EBSDNumerics

/// The arithmetic of dictionary matching. `int8`: dictionary and measured patterns quantised to int8
/// (one scale per pattern), multiplied on AVX-512 VNNI, the best candidates of every pattern then
/// re-scored exactly in float32 — the reported NCC and ranking are float32's. `float32`: `sgemm` on
/// every pair. `automatic` (the default) takes int8 where the CPU has VNNI, float32 elsewhere.
public enum MatchPrecision: String, Sendable, Hashable, CaseIterable {
    case automatic = "auto"
    case float32
    case int8

    /// The arithmetic this machine runs for the choice.
    public var resolved: MatchPrecision {
        switch self {
        case .automatic: return Int8Gemm.vnniAvailable ? .int8 : .float32
        case .float32, .int8: return self
        }
    }

    /// Parses `auto`, `float32` (or `fp32`), `int8`.
    public init(text: String) throws(MatchingError) {
        let aliases = ["fp32": MatchPrecision.float32]
        guard let p = MatchPrecision(rawValue: text.lowercased()) ?? aliases[text.lowercased()] else {
            throw MatchingError(key: "precision", "must be auto, float32 or int8 (got '\(text)')")
        }
        self = p
    }

    /// Refuses int8 on a CPU without the VNNI kernel (the portable kernel is a reference, far too slow for maps).
    public func validate() throws(MatchingError) {
        if self == .int8 && !Int8Gemm.vnniAvailable {
            throw MatchingError(key: "precision", "int8 needs a CPU with AVX-512 VNNI, which this one lacks (use auto or float32)")
        }
    }
}
