import PatternStacks

extension PatternStack {
    /// Opens the stack at `path` (its `scan`) and makes its detector: the geometry the file states (every stack
    /// states its pattern shape; instrument files their PCs, tilts, binning) under the library defaults, with the
    /// user's `overrides` applied last (a value given wins; a PC map gives every point its PC). The patterns must
    /// have the detector's shape.
    public static func openWithDetector(
        _ path: String, mapShape: (rows: Int, columns: Int)? = nil, scan: String? = nil, stepMicrons: Double? = nil,
        naming: ImageFolderNaming = ImageFolderNaming(), overrides: DetectorOverrides = DetectorOverrides()
    ) throws -> (Detector, PatternStack) {
        let stack = try PatternStack.open(path, mapShape: mapShape, scan: scan, stepMicrons: stepMicrons, naming: naming)
        let (fromFile, points) = DetectorOptions().merged(with: stack)
        var det = try overrides.applied(over: fromFile).detector(pointCentres: overrides.keepsPointCentres ? points : nil)
        guard stack.patternRows == det.rows, stack.patternColumns == det.columns else {
            throw PatternStackError.shapeMismatch(
                path: path,
                message: "patterns are \(stack.patternRows)x\(stack.patternColumns) px "
                    + "but the detector's pattern shape is \(det.rows)x\(det.columns)")
        }
        if let pcMap = overrides.pcMap {
            det = try PCMap.read(pcMap).apply(to: det, mapRows: stack.mapRows, mapColumns: stack.mapColumns, path: pcMap)
        }
        return (det, stack)
    }
}
