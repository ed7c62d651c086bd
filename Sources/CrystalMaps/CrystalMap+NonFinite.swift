import Crystallography

extension CrystalMap {
    /// The metadata key counting points whose orientation was not finite in the file.
    public static let nonFiniteKey = "non_finite_points"

    /// This map with every point whose rotation is not finite (NaN or infinite Euler angles) set to not
    /// indexed (rotation identity); the count is kept in `metadata[CrystalMap.nonFiniteKey]` when > 0.
    /// The map is copied only when it has such points (a 16 M-point map's rotations are 512 MB).
    public func markingNonFiniteNotIndexed() -> CrystalMap {
        func finite(_ r: Rotation) -> Bool { r.q.a.isFinite && r.q.b.isFinite && r.q.c.isFinite && r.q.d.isFinite }
        guard let first = rotations.firstIndex(where: { !finite($0) }) else { return self }
        var out = self
        var n = 0
        for i in first..<count where !finite(rotations[i]) {
            out.rotations[i] = .identity
            out.phaseIndex[i] = -1
            n += 1
        }
        out.metadata[Self.nonFiniteKey] = String(n)
        return out
    }

    /// Points the reader found with non-finite orientations (0 when none).
    public var nonFinitePoints: Int { metadata[Self.nonFiniteKey].flatMap { Int($0) } ?? 0 }
}
