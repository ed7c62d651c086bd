/// The median of `values`: the middle value, or the mean of the two middle values for an
/// even count; 0 for no values.
///
///     median([3, 1, 2])     // 2
///     median([4, 1, 3, 2])  // 2.5
@inlinable
public func median<T: BinaryFloatingPoint>(_ values: [T]) -> T {
    guard !values.isEmpty else { return 0 }
    let s = values.sorted()
    let mid = s.count / 2
    return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
