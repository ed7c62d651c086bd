import Foundation
import EBSDImageIO
import Figures

/// The JSON bodies of the viewer's answers that are not records: the map's description and a point's or grain's
/// pattern views (images as PNG data URLs, so one request brings everything a click shows).
enum ViewerJSON {
    struct Info: Codable {
        struct Layer: Codable {
            var id: String, title: String, lower: Float?, upper: Float?
        }
        struct PhaseEntry: Codable {
            var name: String, colour: String
        }
        var title: String
        var rows: Int, columns: Int, stepX: Double, stepY: Double
        var tileSize: Int, topLevel: Int
        var layers: [Layer]
        var phases: [PhaseEntry]
        var grains: Int
        var lowDegrees: Double, highDegrees: Double
        var patterns: Bool
        var patternsUnavailable: String?
        var simulation: Bool
        var stack: String?
    }

    struct Views: Codable {
        struct Hough: Codable {
            var phase: String, euler: [Double], bandsMatched: Int, confidence: Double
        }
        var raw: String
        /// "as read" when the stack's values are 8-bit integers (shown unchanged), else "min–max".
        var rawScaling: String
        var processed: String
        var simulated: String?
        var ncc: Double?
        var detectedBands: [BandLine]
        var predictedBands: [BandLine]
        var hough: Hough?
        var point: PointRecord?
        var grain: GrainRecord?
    }

    static func info(_ v: MapViewer) -> Info {
        let g = v.map.grid
        return Info(
            title: v.title, rows: g.rows, columns: g.columns, stepX: g.stepX, stepY: g.stepY, tileSize: MapTiles.size,
            topLevel: v.tiles.topLevel,
            layers: v.layers.map { l in
                let r = v.range(of: l)
                return Info.Layer(id: l.id, title: l.title, lower: r?.lowerBound, upper: r?.upperBound)
            },
            phases: v.map.phases.enumerated().map { k, p in
                let c = MapRenderer.phaseColor(k)
                return Info.PhaseEntry(name: p.phase.name, colour: String(format: "#%02x%02x%02x", c.0, c.1, c.2))
            },
            grains: v.grains.grains.count, lowDegrees: v.boundaries.thresholds.lowDegrees,
            highDegrees: v.boundaries.thresholds.highDegrees, patterns: v.patterns != nil,
            patternsUnavailable: v.patternsUnavailable, simulation: v.patterns?.master != nil, stack: v.patterns?.stack.path)
    }

    static func views(_ p: PatternViews, point: PointRecord?, grain: GrainRecord?) throws -> Views {
        let exact = p.raw.allSatisfy { $0 >= 0 && $0 <= 255 && $0 == $0.rounded() }
        return Views(
            raw: try dataURL(p.raw, p.rawShape, exact: exact), rawScaling: exact ? "as read" : "min–max",
            processed: try dataURL(p.processed, p.processedShape, exact: false),
            simulated: try p.simulated.map { try dataURL($0, p.processedShape, exact: false) }, ncc: p.ncc,
            detectedBands: p.detectedBands, predictedBands: p.predictedBands,
            hough: p.houghSolution.map {
                Views.Hough(
                    phase: $0.phase, euler: MapViewer.degrees($0.rotation), bandsMatched: $0.bandsMatched, confidence: $0.confidence)
            }, point: point, grain: grain)
    }

    /// A gray pattern as a PNG data URL: unchanged when `exact` (8-bit values), else stretched min → 0, max → 255.
    static func dataURL(_ v: [Float], _ shape: (rows: Int, columns: Int), exact: Bool) throws -> String {
        var lo = Float.infinity, hi = -Float.infinity
        for x in v where x.isFinite {
            lo = min(lo, x)
            hi = max(hi, x)
        }
        let scale: Float = exact ? 1 : (hi > lo ? 255 / (hi - lo) : 0)
        let offset: Float = exact ? 0 : lo
        let bytes = v.map { $0.isFinite ? UInt8(max(0, min(255, (($0 - offset) * scale).rounded()))) : 0 }
        let png = try PNGImage(width: shape.columns, height: shape.rows, channels: 1, pixels: bytes).encoded()
        return "data:image/png;base64," + Data(png).base64EncodedString()
    }
}
