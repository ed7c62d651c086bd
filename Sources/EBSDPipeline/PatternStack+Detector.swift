import DetectorGeometry
import PatternStacks

extension PatternStack {
    /// Opens the stack at `path` (its `scan`) and makes its detector: the geometry the file states (every stack
    /// states its pattern shape; instrument files their PCs, tilts, binning) under the library defaults, with
    /// `override` applied last (an option the user gave wins). The file's per-point pattern centres are kept
    /// when `keepPointCentres`. The patterns must have the detector's shape.
    public static func openWithDetector(
        _ path: String, mapShape: (rows: Int, columns: Int)?, scan: String?, keepPointCentres: Bool,
        override: (DetectorOptions) throws -> DetectorOptions
    ) throws -> (Detector, PatternStack) {
        let stack = try PatternStack.open(path, mapShape: mapShape, scan: scan)
        let (fromFile, points) = DetectorOptions().merged(with: stack)
        let det = try override(fromFile).detector(pointCentres: keepPointCentres ? points : nil)
        guard stack.patternRows == det.rows, stack.patternColumns == det.columns else {
            throw PatternStackError.shapeMismatch(
                path: path,
                message: "patterns are \(stack.patternRows)x\(stack.patternColumns) px "
                    + "but the detector's pattern shape is \(det.rows)x\(det.columns)")
        }
        return (det, stack)
    }
}
