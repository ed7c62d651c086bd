import DetectorGeometry

extension PatternCenter {
    /// The largest coordinate difference to `other` (both in the same convention): how the calibration tests
    /// measure a PC error.
    public func largestDifference(to other: PatternCenter) -> Double {
        max(abs(x - other.x), abs(y - other.y), abs(z - other.z))
    }
}
