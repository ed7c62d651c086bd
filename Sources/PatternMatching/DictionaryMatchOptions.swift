import Foundation

/// How a stack is matched against a dictionary of simulated patterns. Defaults: the
/// reference study's 2° sampling of the fundamental zone, the five best kept, every
/// pattern indexed, a 2 GiB memory budget, the full (uncompressed) dictionary, int8 arithmetic where the CPU has VNNI.
public struct DictionaryMatchOptions: Sendable, Hashable {
    /// The default memory budget, 2 GiB.
    public static let defaultMemoryBytes = 2 << 30

    /// Orientation sampling resolution in degrees (cubochoric sample of the fundamental zone), in (0, 20].
    public var resolutionDegrees: Double
    /// Best matches kept per pattern.
    public var keep: Int
    /// Patterns whose best NCC is below this are left not indexed (noise, pores); nil: none.
    public var minimumScore: Double?
    /// Memory budget for the dictionary and measured blocks, in bytes.
    public var memoryBytes: Int
    /// Keep the prepared dictionary in this file (read when it matches, else written).
    public var dictionaryCachePath: String?
    /// Fast matcher: dictionary compressed to its leading principal components, exact NCC of the best candidates.
    public var fast: Bool
    /// Principal components kept by the fast matcher.
    public var components: Int
    /// Arithmetic of the full-dictionary comparisons: int8 with float32 re-scoring where the CPU has VNNI (automatic).
    public var precision: MatchPrecision

    /// The options, each defaulting as stated above (the defaults are defined here only).
    public init(
        resolutionDegrees: Double = 2, keep: Int = 5, minimumScore: Double? = nil, memoryBytes: Int = defaultMemoryBytes,
        dictionaryCachePath: String? = nil, fast: Bool = false, components: Int = 128,
        precision: MatchPrecision = .automatic
    ) {
        self.resolutionDegrees = resolutionDegrees
        self.keep = keep
        self.minimumScore = minimumScore
        self.memoryBytes = memoryBytes
        self.dictionaryCachePath = dictionaryCachePath
        self.fast = fast
        self.components = components
        self.precision = precision
    }

    /// Checks the values on their own.
    public func validate() throws(MatchingError) {
        guard resolutionDegrees > 0, resolutionDegrees <= 20 else {
            throw MatchingError(key: "resolution", "must be in (0, 20]° (got \(resolutionDegrees))")
        }
        guard (1...50).contains(keep) else { throw MatchingError(key: "keep", "must be 1…50 (got \(keep))") }
        guard (8...1024).contains(components) else { throw MatchingError(key: "components", "must be 8…1024 (got \(components))") }
        guard memoryBytes > 0 else { throw MatchingError(key: "memory", "must be positive") }
        try precision.validate()
    }

    /// The largest memory budget taken: 1 PB.
    public static let maximumMemoryBytes = 1 << 50

    /// Parses a size such as 512MB, 2GB, 1.5G or 4096 (bytes), at most ``maximumMemoryBytes``.
    public static func bytes(_ text: String) throws(MatchingError) -> Int {
        let s = text.uppercased().trimmingCharacters(in: .whitespaces)
        let gib = 1_073_741_824.0, mib = 1_048_576.0, kib = 1024.0
        let units: [(String, Double)] = [("GB", gib), ("G", gib), ("MB", mib), ("M", mib), ("KB", kib), ("B", 1), ("", 1)]
        for (u, f) in units where s.hasSuffix(u) {
            if let v = Double(s.dropLast(u.count)), v > 0 {
                guard v * f < Double(Self.maximumMemoryBytes) else {
                    throw MatchingError(key: "memory", "'\(text)' is more than any machine holds (at most 1 PB)")
                }
                return Int(v * f)
            }
        }
        throw MatchingError(key: "memory", "'\(text)' must be a size like 512MB or 2GB")
    }
}
