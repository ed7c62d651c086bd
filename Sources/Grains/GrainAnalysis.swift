import Foundation
import Crystallography
import CrystalMaps

/// Grains of a map and everything measured on them, for one set of parameters: the
/// segmentation, statistics, boundary lengths and ASTM grain-size numbers, with the
/// per-grain table (CSV), the statistics (JSON) and a text summary that `ebsd grains`,
/// the pipeline's `grains` step and its report all write the same way.
///
/// Defaults: the reference study's ``BoundaryThresholds``, every grain counted, 8-connected.
public struct GrainAnalysis: Sendable {
    /// What grains are: boundaries, smallest grain counted, connectivity.
    public struct Parameters: Sendable, Hashable {
        /// Grain (high-angle) and low-angle boundary thresholds.
        public var boundaries = BoundaryThresholds()
        /// Grains smaller than this many pixels are ignored.
        public var minimumPixels = 0
        public var connectivity = Connectivity.eight

        public init() {}

        /// Checks the values on their own.
        public func validate() throws(GrainAnalysisError) {
            try boundaries.validate()
            guard minimumPixels >= 0 else { throw GrainAnalysisError("the minimum grain size must be ≥ 0 pixels") }
        }
    }

    public let map: CrystalMap
    public let parameters: Parameters
    public let grains: GrainMap
    public let statistics: GrainStatistics
    /// Boundary lengths in µm.
    public let boundaryLength: (low: Double, high: Double)
    /// Lengths (µm) of the coincidence-site-lattice boundaries among the grain boundaries (Brandon's criterion, Σ ≤ 29;
    /// cubic phases only, empty otherwise), with their share of the grain-boundary length.
    public let specialBoundaries: [(label: String, lengthMicrons: Double, fractionOfHAGB: Double)]

    public init(_ map: CrystalMap, parameters: Parameters = Parameters()) throws(GrainAnalysisError) {
        try parameters.validate()
        self.map = map
        self.parameters = parameters
        grains = GrainSegmentation(
            thresholdDegrees: parameters.boundaries.highDegrees, connectivity: parameters.connectivity,
            minimumPixels: parameters.minimumPixels
        ).segment(map)
        statistics = GrainStatistics(grains)
        boundaryLength = BoundaryMap(map, thresholds: parameters.boundaries).lengths(map.grid)
        if map.phases.contains(where: { $0.phase.laueGroup == .cubicHigh || $0.phase.laueGroup == .cubicLow }) {
            let special = SpecialBoundaryMap(map, highDegrees: parameters.boundaries.highDegrees)
            let high = boundaryLength.high
            specialBoundaries = zip(special.csl.relations, special.lengths(map.grid)).map {
                ($0.label, $1, high > 0 ? $1 / high : 0)
            }
        } else {
            specialBoundaries = []
        }
    }

    /// The per-grain table's header (15 columns; angles in degrees, lengths in µm, Bunge Euler
    /// angles of the grain's mean orientation in the map's frame).
    public static let csvHeader =
        "grain,phase,pixels,area_um2,ecd_um,perimeter_um,aspect_ratio,ellipse_angle_deg,"
        + "phi1_deg,Phi_deg,phi2_deg,gos_deg,touches_edge,centroid_x_um,centroid_y_um"

    /// One row per grain, numbered from 1.
    public var csv: String {
        var s = Self.csvHeader + "\n"
        let degrees = 180 / Double.pi
        for g in grains.grains {
            let eu = g.meanOrientation.euler
            s += String(
                format: "%d,%@,%d,%.6g,%.6g,%.6g,%.4f,%.2f,%.4f,%.4f,%.4f,%.4f,%@,%.4f,%.4f\n", g.id + 1,
                map.phases[g.phaseIndex].phase.name, g.pixelCount, g.area, g.equivalentDiameter, g.perimeter, g.aspectRatio,
                g.ellipseAngle, eu.phi1 * degrees, eu.Phi * degrees, eu.phi2 * degrees, g.orientationSpread,
                g.touchesEdge ? "true" : "false", map.grid.originX + g.centroid.x, map.grid.originY + g.centroid.y)
        }
        return s
    }

    /// ASTM E112 G numbers from the mean area and the mean intercepts.
    public var astmE112: (meanArea: Double, interceptX: Double, interceptY: Double) {
        (
            GrainStatistics.astmGFromArea(meanAreaMicrons: statistics.meanArea),
            GrainStatistics.astmGFromIntercept(microns: statistics.meanInterceptX),
            GrainStatistics.astmGFromIntercept(microns: statistics.meanInterceptY)
        )
    }

    /// The statistics and parameters as a JSON object (keys sorted, pretty-printed); `source` names the map file.
    public func json(source: String) throws -> String {
        let st = statistics, e = st.e2627, h = st.ecdHistogram(), g = astmE112
        let obj: [String: Any] = [
            "file": source,
            "parameters": [
                "hagb_deg": parameters.boundaries.highDegrees, "lagb_deg": parameters.boundaries.lowDegrees,
                "min_size_px": parameters.minimumPixels,
                "connectivity": parameters.connectivity.rawValue,
            ],
            "grains": st.count,
            "ecd_um": [
                "mean": st.meanECD, "median": st.medianECD, "area_weighted_mean": st.areaWeightedMeanECD,
                "area_weighted_median": st.areaWeightedMedianECD,
            ],
            "mean_intercept_um": ["x": st.meanInterceptX, "y": st.meanInterceptY],
            "astm_e112_G": ["mean_area": g.meanArea, "intercept_x": g.interceptX, "intercept_y": g.interceptY],
            "boundary_length_um": ["hagb": boundaryLength.high, "lagb": boundaryLength.low],
            "csl_boundaries": Dictionary(
                uniqueKeysWithValues: specialBoundaries.map {
                    ($0.label, ["length_um": $0.lengthMicrons, "fraction_of_hagb": $0.fractionOfHAGB])
                }),
            "astm_e2627": [
                "grains": e.grainsCounted, "edge_excluded": e.edgeGrainsExcluded, "small_excluded": e.smallGrainsExcluded,
                "mean_area_um2": e.meanAreaMicrons2, "mean_ecd_um": e.meanECDMicrons, "mean_pixels_per_grain": e.meanPixelsPerGrain,
                "G": e.astmG.isFinite ? e.astmG : NSNull(), "warning": e.warning ?? NSNull(),
            ],
            "ecd_histogram": ["edges_um": h.edges, "number_fraction": h.number, "area_fraction": h.area],
        ]
        let data = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The CSL boundaries found, e.g. "Σ3 41.2 %, Σ9 3.1 %" ("none"; "not cubic" without a cubic phase).
    public var specialSummary: String {
        guard !specialBoundaries.isEmpty else { return "not cubic" }
        let found = specialBoundaries.filter { $0.lengthMicrons > 0 }
        return found.isEmpty
            ? "none" : found.map { String(format: "%@ %.1f %%", $0.label, 100 * $0.fractionOfHAGB) }.joined(separator: ", ")
    }

    /// The summary lines `ebsd grains` prints.
    public var summary: [String] {
        let st = statistics, e = st.e2627, g = astmE112, p = parameters
        var lines = [
            String(
                format: "grains: %d (≥ %d px, %g°, %d-connected)", st.count, p.minimumPixels, p.boundaries.highDegrees,
                p.connectivity.rawValue),
            String(
                format: "ECD: mean %.4g µm, median %.4g µm; area-weighted mean %.4g µm, median %.4g µm", st.meanECD, st.medianECD,
                st.areaWeightedMeanECD, st.areaWeightedMedianECD),
            String(format: "mean lineal intercept: x %.4g µm, y %.4g µm", st.meanInterceptX, st.meanInterceptY),
            String(format: "ASTM E112 G: %.2f (mean area), %.2f (intercept x), %.2f (intercept y)", g.meanArea, g.interceptX, g.interceptY),
            String(format: "boundaries: HAGB %.4g µm, LAGB %.4g µm", boundaryLength.high, boundaryLength.low),
            "CSL boundaries (Brandon, share of the HAGB length): " + specialSummary,
            String(
                format: "ASTM E2627: %d interior grains ≥ 100 px (excluded: %d edge, %d small), mean ECD %.4g µm, G %.2f",
                e.grainsCounted,
                e.edgeGrainsExcluded, e.smallGrainsExcluded, e.meanECDMicrons, e.astmG),
        ]
        if let w = e.warning { lines.append("warning: \(w)") }
        return lines
    }
}

/// Grain parameters that cannot work; the message says what was expected.
public struct GrainAnalysisError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
