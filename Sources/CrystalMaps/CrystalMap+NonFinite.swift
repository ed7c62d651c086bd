import Crystallography

extension CrystalMap {
    /// The metadata key counting points whose orientation was not finite in the file.
    public static let nonFiniteKey = "non_finite_points"

    /// This map with every point whose rotation is not finite (NaN or infinite Euler angles) set to not
    /// indexed (rotation identity); the count is kept in `metadata[CrystalMap.nonFiniteKey]` when > 0.
    public func markingNonFiniteNotIndexed() -> CrystalMap {
        var out = self
        var n = 0
        for i in 0..<count {
            let q = rotations[i].q
            if !(q.a.isFinite && q.b.isFinite && q.c.isFinite && q.d.isFinite) {
                out.rotations[i] = .identity
                out.phaseIndex[i] = -1
                n += 1
            }
        }
        if n > 0 { out.metadata[Self.nonFiniteKey] = String(n) }
        return out
    }

    /// Points the reader found with non-finite orientations (0 when none).
    public var nonFinitePoints: Int { metadata[Self.nonFiniteKey].flatMap { Int($0) } ?? 0 }
}
