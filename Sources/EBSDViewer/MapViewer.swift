import Foundation
import Crystallography
import CrystalMaps
import EBSDImageIO
import Figures
import Grains

/// A crystal map opened for looking at: its layers as tiles, any point's record and patterns, any grain's record and
/// average pattern. What the `ebsd view` page asks for, as typed values (the HTTP layer, ``ViewerServer``, only maps
/// URLs onto these calls). Grains are segmented and boundaries classified once, with ``Grains/BoundaryThresholds``
/// (HAGB > 10°, LAGB 2–10° unless given); orientations are passive Bunge as the map holds them.
public struct MapViewer: Sendable {
    public let map: CrystalMap
    public let title: String
    public let layers: [ViewerLayer]
    public let boundaries: BoundaryMap
    public let grains: GrainMap
    public let kam: [Float]
    public let tiles: MapTiles
    /// The patterns behind the map, or nil with ``patternsUnavailable`` saying why.
    public let patterns: ViewerPatterns?
    public let patternsUnavailable: String?
    let colours = LayerColours()

    /// Opens `map` (named `title` on the page) with its patterns (`patterns`: the opened stack, or the reason it could
    /// not be opened).
    public init(
        map: CrystalMap, title: String, patterns: Result<ViewerPatterns, ViewerError>?,
        thresholds: BoundaryThresholds = BoundaryThresholds()
    ) {
        self.map = map
        self.title = title
        layers = ViewerLayer.available(for: map)
        boundaries = BoundaryMap(map, thresholds: thresholds)
        grains = GrainSegmentation(thresholdDegrees: thresholds.highDegrees).segment(map)
        kam = map.kernelAverageMisorientation()
        tiles = MapTiles(rows: map.grid.rows, columns: map.grid.columns)
        switch patterns {
        case .success(let p):
            self.patterns = p
            patternsUnavailable = nil
        case .failure(let e):
            self.patterns = nil
            patternsUnavailable = e.description
        case nil:
            self.patterns = nil
            patternsUnavailable = "no pattern stack given (ebsd view MAP --patterns STACK [--master MASTER])"
        }
    }

    /// The layer named `id`, or nil.
    public func layer(_ id: String) -> ViewerLayer? { layers.first { $0.id == id } }

    /// A layer's colours and, for ramp layers, the range its ramp spans.
    func coloured(_ layer: ViewerLayer) -> LayerColours.Coloured {
        colours.colours(layer) { LayerColours.colour(layer, map: map, kam: kam, grains: grains) }
    }

    /// The value range a ramp layer spans (1st–99th percentile), nil for others.
    public func range(of layer: ViewerLayer) -> ClosedRange<Float>? { coloured(layer).range }

    /// Tile (`x`, `y`) of `level` of `layer` (``MapTiles``), boundaries drawn when asked; nil when it does not exist.
    public func tile(_ layer: ViewerLayer, level: Int, x: Int, y: Int, boundaries drawn: Bool) -> RGBImage? {
        guard tiles.contains(level: level, x: x, y: y) else { return nil }
        return tiles.tile(coloured(layer).rgb, level: level, x: x, y: y, boundaries: drawn ? boundaries : nil)
    }

    /// The point at `row`, `column`, or nil off the map.
    public func index(row: Int, column: Int) -> Int? {
        row >= 0 && column >= 0 && row < map.grid.rows && column < map.grid.columns ? row * map.grid.columns + column : nil
    }

    /// Point `i`'s record, or nil off the map.
    public func point(_ i: Int) -> PointRecord? {
        guard i >= 0, i < map.count else { return nil }
        let g = map.grid, r = i / g.columns, c = i % g.columns
        var neighbours: [PointRecord.Neighbour] = []
        for (dr, dc) in [(-1, 0), (0, -1), (0, 1), (1, 0), (-1, -1), (-1, 1), (1, -1), (1, 1)] {
            guard let j = index(row: r + dr, column: c + dc) else { continue }
            let both = map.isIndexed(i) && map.isIndexed(j) && map.phaseIndex[i] == map.phaseIndex[j]
            neighbours.append(.init(row: r + dr, column: c + dc, disorientation: both ? map.disorientationAngle(i, j) * 180 / .pi : nil))
        }
        var properties: [String: Double] = [:]
        for (name, values) in map.properties where values[i].isFinite { properties[name] = Double(values[i]) }
        let label = Int(grains.labels[i])
        return PointRecord(
            index: i, row: r, column: c, x: g.x(column: c), y: g.originY + Double(r) * g.stepY,
            phase: map.isIndexed(i) ? map.phases[Int(map.phaseIndex[i])].phase.name : nil,
            euler: map.isIndexed(i) ? Self.degrees(map.rotations[i]) : nil, properties: properties,
            kam: kam[i].isFinite ? Double(kam[i]) : nil, neighbours: neighbours, grain: label >= 0 ? grain(label) : nil)
    }

    /// Grain `id`'s record, or nil when there is no such grain.
    public func grain(_ id: Int) -> GrainRecord? {
        guard id >= 0, id < grains.grains.count else { return nil }
        let gr = grains.grains[id]
        let laue = map.phases[gr.phaseIndex].phase.laueGroup
        let mean = Orientation(gr.meanOrientation, laue)
        var largest: Double?
        if gr.pixelCount <= Self.spreadPointLimit {
            largest = points(ofGrain: id).map { Orientation(map.rotations[$0], laue).disorientationAngle(to: mean) * 180 / .pi }.max()
        }
        return GrainRecord(
            id: id, phase: map.phases[gr.phaseIndex].phase.name, pixels: gr.pixelCount, area: gr.area, ecd: gr.equivalentDiameter,
            gos: gr.orientationSpread, maximumSpread: largest, meanEuler: Self.degrees(gr.meanOrientation), touchesEdge: gr.touchesEdge)
    }

    /// Grains up to this many points get their largest disorientation from the mean measured (a point record carries
    /// its grain's record; bigger grains say only their GOS, which segmentation measured).
    public static let spreadPointLimit = 200_000

    /// The points of grain `id` (ascending).
    public func points(ofGrain id: Int) -> [Int] {
        var out: [Int] = []
        let label = Int32(id)
        for i in 0..<map.count where grains.labels[i] == label { out.append(i) }
        return out
    }

    /// Point `i`'s patterns (``PatternViews``).
    public func patternViews(_ i: Int) throws(ViewerError) -> PatternViews {
        guard let patterns else { throw ViewerError(patternsUnavailable ?? "no patterns") }
        guard i >= 0, i < map.count else { throw ViewerError("point \(i) is off the map (\(map.count) points)") }
        return try patterns.views(i, map: map)
    }

    /// Grain `id`'s average pattern (at most ``ViewerPatterns/grainAverageLimit`` of its points) with the simulation
    /// at its mean orientation.
    public func grainViews(_ id: Int) throws(ViewerError) -> PatternViews {
        guard let patterns else { throw ViewerError(patternsUnavailable ?? "no patterns") }
        guard id >= 0, id < grains.grains.count else { throw ViewerError("no grain \(id) (\(grains.grains.count) grains)") }
        let pts = points(ofGrain: id), gr = grains.grains[id]
        let centre = pts[pts.count / 2]
        return patterns.views(of: try patterns.average(pts), rotation: gr.meanOrientation, phase: Int32(gr.phaseIndex), pcIndex: centre)
    }

    static func degrees(_ r: Rotation) -> [Double] {
        let e = r.euler
        return [e.phi1, e.Phi, e.phi2].map { $0 * 180 / .pi }
    }
}
