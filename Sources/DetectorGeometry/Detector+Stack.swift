import PatternStacks

extension DetectorOptions {
    /// These options with what an instrument file states (pattern shape, pattern centre(s) in the vendor's
    /// convention, tilts, binning, pixel size) replacing the defaults; values the file does not state keep
    /// the options' own. Returns the options and, for files with one PC per map point, those PCs.
    public func merged(with stack: PatternStack) -> (options: DetectorOptions, pointCentres: [PatternCenter]?) {
        var o = self
        o.patternShape = GridShape(rows: stack.patternRows, columns: stack.patternColumns)
        guard let m = stack.metadata else { return (o, nil) }
        o.convention = PCConvention(name: m.pcConvention) ?? o.convention
        if let first = m.patternCenters.first { o.pc = PatternCenter(first.x, first.y, first.z) }
        o.sampleTilt = m.sampleTiltDegrees ?? o.sampleTilt
        o.detectorTilt = m.detectorTiltDegrees ?? o.detectorTilt
        o.azimuthal = m.azimuthalDegrees ?? o.azimuthal
        o.binning = m.binning ?? o.binning
        o.pixelSize = m.pixelSizeMicrons ?? o.pixelSize
        let perPoint = m.patternCenters.count == stack.count && stack.count > 1
        return (o, perPoint ? m.patternCenters.map { PatternCenter($0.x, $0.y, $0.z) } : nil)
    }
}

extension Detector {
    /// The detector an instrument file describes (its PCs converted here, through `Detector`, from the
    /// vendor's convention to Bruker); `defaults` fill what the file leaves out.
    public init(stack: PatternStack, defaults: DetectorOptions = DetectorOptions()) throws {
        let (o, points) = defaults.merged(with: stack)
        self = try o.detector(pointCentres: points)
    }
}
