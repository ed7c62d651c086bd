import DetectorGeometry
import PatternStacks

extension PatternStack {
    /// Opens the stack at `path` and checks that its patterns have `detector`'s shape.
    public static func open(_ path: String, mapShape: (rows: Int, columns: Int)?, detector: Detector) throws -> PatternStack {
        let s = try PatternStack.open(path, mapShape: mapShape)
        guard s.patternRows == detector.rows, s.patternColumns == detector.columns else {
            throw PatternStackError.shapeMismatch(
                path: path,
                message: "patterns are \(s.patternRows)x\(s.patternColumns) px "
                    + "but the detector's pattern shape is \(detector.rows)x\(detector.columns)")
        }
        return s
    }
}
