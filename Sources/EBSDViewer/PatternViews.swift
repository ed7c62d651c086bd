import Crystallography

/// What the page shows of one point (or a grain's average pattern): the pattern as read, as preprocessed for matching,
/// the simulation at the point's orientation (same detector and blur as matching) and their NCC, the Hough bands
/// detected in the pattern and the bands the orientation predicts (``BandLine``), and the Hough solution of the pattern.
public struct PatternViews: Sendable {
    public var raw: [Float]
    public var rawShape: (rows: Int, columns: Int)
    public var processed: [Float]
    public var processedShape: (rows: Int, columns: Int)
    public var simulated: [Float]?
    public var ncc: Double?
    public var detectedBands: [BandLine]
    public var predictedBands: [BandLine]
    public var houghSolution: (phase: String, rotation: Rotation, bandsMatched: Int, confidence: Double)?
}
