/// The library's one random-number generator: SplitMix64 (Steele, Lea & Flood 2014),
/// seeded by one 64-bit integer, so every synthetic map, noise pattern and Monte Carlo
/// run is identical on every machine and thread count (each parallel chunk seeds its own).
///
///     var rng = SplitMix64(seed: 7)
///     rng.next()          // 0x... the same on every machine
///     rng.unitOpen()      // uniform in (0, 1)
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The golden-ratio increment of the Weyl sequence (Steele et al. 2014).
    @usableFromInline static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15
    @usableFromInline var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in the open interval (0, 1): never 0, so `log` of it is finite.
    @inlinable @inline(__always)
    public mutating func unitOpen() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }
}
