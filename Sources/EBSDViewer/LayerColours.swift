import Foundation
import CrystalMaps
import Figures
import Grains

/// The colours of every point of each layer (RGB, row-major), made the first time a layer is asked for and kept:
/// tiles are then crops. One lock guards the table; a layer is coloured outside it (two threads asking for the same new
/// layer at once may both colour it; the second result is dropped).
final class LayerColours: @unchecked Sendable {
    /// A coloured layer: 3 bytes per point, and the value range a ramp layer spans (nil for IPF, phase, grain ID).
    struct Coloured: Sendable {
        var rgb: [UInt8]
        var range: ClosedRange<Float>?
    }
    private var table: [String: Coloured] = [:]
    private let lock = NSLock()

    func colours(_ layer: ViewerLayer, _ make: () -> Coloured) -> Coloured {
        if let c = lock.withLock({ table[layer.id] }) { return c }
        let c = make()
        return lock.withLock {
            if let old = table[layer.id] { return old }
            table[layer.id] = c
            return c
        }
    }

    /// Colours `layer` of `map`: IPF and phase as the figures colour them (``Figures/MapRenderer``), ramps from the 1st
    /// to the 99th percentile of the layer's finite values, grain IDs in the figures' hashed colours.
    static func colour(_ layer: ViewerLayer, map: CrystalMap, kam: [Float], grains: GrainMap) -> Coloured {
        var range: ClosedRange<Float>?
        let mapLayer: MapLayer
        switch layer.kind {
        case .ipf(let axis): mapLayer = .ipf(ViewerLayer.sampleAxis(axis))
        case .phase: mapLayer = .phase
        case .grainID: mapLayer = .grains(grains)
        case .kam, .property:
            var values = kam
            if case .property(let name) = layer.kind { values = map.properties[name] ?? [] }
            let r = percentileRange(values)
            range = r
            mapLayer = .scalar(values, range: r, label: layer.title)
        }
        let colours = MapRenderer.colors(map, mapLayer, unindexed: MapRenderer.defaultUnindexedColor)
        var rgb = [UInt8](repeating: 0, count: 3 * colours.count)
        for (i, c) in colours.enumerated() {
            rgb[3 * i] = c.0
            rgb[3 * i + 1] = c.1
            rgb[3 * i + 2] = c.2
        }
        return Coloured(rgb: rgb, range: range)
    }

    /// Values sampled for a ramp's percentiles (evenly spread).
    static let percentileSample = 100_000

    /// The 1st–99th percentile of the finite values (from at most ``percentileSample`` of them), widened when flat.
    static func percentileRange(_ v: [Float]) -> ClosedRange<Float> {
        let stride = max(1, v.count / percentileSample)
        let finite = Swift.stride(from: 0, to: v.count, by: stride).map { v[$0] }.filter(\.isFinite).sorted()
        guard let first = finite.first, let last = finite.last else { return 0...1 }
        let lo = finite[finite.count / 100], hi = finite[min(finite.count - 1, finite.count * 99 / 100)]
        return hi > lo ? lo...hi : (first < last ? first...last : first...(first + 1))
    }
}
