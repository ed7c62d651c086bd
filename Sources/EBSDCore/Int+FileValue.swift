extension Int {
    /// `Int(v)` (truncating) for a number read from a file, or nil when it is not finite
    /// or too large to be an index — file values are untrusted, and `Int(_: Double)` traps.
    @inlinable public init?(fileValue v: Double) {
        guard v.isFinite, abs(v) < 9.0e15 else { return nil }
        self = Int(v)
    }
}
