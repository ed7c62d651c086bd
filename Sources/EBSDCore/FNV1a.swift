/// The 64-bit FNV-1a hash (Fowler–Noll–Vo): a fast, stable fingerprint of text or bytes,
/// the same on every machine and run (unlike Swift's `Hasher`). Not cryptographic.
///
///     FNV1a.hash("")   // 0xcbf29ce484222325
public enum FNV1a {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x100_0000_01b3

    public static func hash<S: Sequence>(bytes: S, seed: UInt64 = offsetBasis) -> UInt64 where S.Element == UInt8 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h = h &* prime
        }
        return h
    }

    public static func hash(_ text: String) -> UInt64 { hash(bytes: text.utf8) }
}
