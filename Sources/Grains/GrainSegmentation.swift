import EBSDCore
import Foundation
import Crystallography
import CrystalMaps

/// Grain segmentation by a misorientation threshold: neighbouring indexed
/// pixels of the same phase whose disorientation is below the threshold
/// (default ``BoundaryThresholds/defaultHighDegrees``) join one grain (union–find over 4- or 8-connectivity).
public struct GrainSegmentation: Sendable {
    public var thresholdDegrees = BoundaryThresholds.defaultHighDegrees
    public var connectivity = Connectivity.eight
    /// Grains smaller than this many pixels are dropped from the list (their
    /// pixels get label −1) — the "minimum grain size" of DefDAP and MTEX's
    /// statistics. 0 keeps every grain. (To merge small grains into their
    /// neighbours instead, use the clean-up step.)
    public var minimumPixels = 0

    public init(
        thresholdDegrees: Double = BoundaryThresholds.defaultHighDegrees, connectivity: Connectivity = .eight, minimumPixels: Int = 0
    ) {
        self.thresholdDegrees = thresholdDegrees
        self.connectivity = connectivity
        self.minimumPixels = minimumPixels
    }

    public func segment(_ map: CrystalMap) -> GrainMap {
        let n = map.count, cols = map.grid.columns, rows = map.grid.rows
        var parent = [Int32](repeating: 0, count: n)
        for i in 0..<n { parent[i] = Int32(i) }
        func find(_ x: Int) -> Int {
            var r = x
            while Int(parent[r]) != r { r = Int(parent[r]) }
            var y = x
            while Int(parent[y]) != r {
                let next = Int(parent[y])
                parent[y] = Int32(r)
                y = next
            }
            return r
        }
        let cosT = cosHalf(degrees: thresholdDegrees)
        // Edge decisions in parallel (each pixel's forward neighbours), unions serially.
        let fwd = connectivity.forwardOffsets
        var joins = [UInt8](repeating: 0, count: n)
        joins.withUnsafeMutableBufferPointer { jb in
            let out = UncheckedPointer(jb.baseAddress!)
            parallelFor(rows) { r in
                for c in 0..<cols {
                    let i = r * cols + c
                    guard map.phaseIndex[i] >= 0 else { continue }
                    var bits: UInt8 = 0
                    for (k, (dr, dc)) in fwd.enumerated() {
                        let rr = r + dr, cc = c + dc
                        guard rr < rows, cc >= 0, cc < cols else { continue }
                        if map.disorientationCosHalf(i, rr * cols + cc) >= cosT { bits |= 1 << k }
                    }
                    out.p[i] = bits
                }
            }
        }
        for i in 0..<n where joins[i] != 0 {
            let r = i / cols, c = i % cols
            for (k, (dr, dc)) in fwd.enumerated() where joins[i] & (1 << k) != 0 {
                let a = find(i), b = find((r + dr) * cols + c + dc)
                if a != b { if a < b { parent[b] = Int32(a) } else { parent[a] = Int32(b) } }
            }
        }
        // Label grains in scan order of their first pixel.
        var labels = [Int32](repeating: -1, count: n)
        var rootToLabel = [Int32](repeating: -1, count: n)
        var sizes: [Int] = []
        for i in 0..<n where map.phaseIndex[i] >= 0 {
            let root = find(i)
            if rootToLabel[root] < 0 {
                rootToLabel[root] = Int32(sizes.count)
                sizes.append(0)
            }
            labels[i] = rootToLabel[root]
            sizes[Int(labels[i])] += 1
        }
        if minimumPixels > 0 {
            var remap = [Int32](repeating: -1, count: sizes.count)
            var next: Int32 = 0
            for (g, s) in sizes.enumerated() where s >= minimumPixels {
                remap[g] = next
                next += 1
            }
            for i in 0..<n where labels[i] >= 0 { labels[i] = remap[Int(labels[i])] }
        }
        let grains = GrainSegmentation.describe(map: map, labels: labels)
        return GrainMap(map: map, labels: labels, grains: grains, thresholdDegrees: thresholdDegrees, connectivity: connectivity)
    }

    /// Grain properties from labels.
    public static func describe(map: CrystalMap, labels: [Int32]) -> [Grain] {
        let n = map.count, cols = map.grid.columns, rows = map.grid.rows
        let count = Int(labels.max() ?? -1) + 1
        guard count > 0 else { return [] }
        var pixelLists = [[Int]](repeating: [], count: count)
        for i in 0..<n where labels[i] >= 0 { pixelLists[Int(labels[i])].append(i) }
        let pixels = pixelLists
        let dx = map.grid.stepX, dy = map.grid.stepY
        var grains = [Grain?](repeating: nil, count: count)
        grains.withUnsafeMutableBufferPointer { gb in
            let out = UncheckedPointer(gb.baseAddress!)
            parallelFor(count) { g in
                let px = pixels[g]
                let phase = Int(map.phaseIndex[px[0]])
                let group = map.phases[phase].phase.laueGroup
                var sx = 0.0, sy = 0.0, edge = false, perimeterEdges = 0.0, perimeterEdgesY = 0.0
                for i in px {
                    let r = i / cols, c = i % cols
                    sx += Double(c) * dx
                    sy += Double(r) * dy
                    if r == 0 || c == 0 || r == rows - 1 || c == cols - 1 { edge = true }
                    for dc in [1, -1] {
                        let cc = c + dc
                        if cc < 0 || cc >= cols || labels[r * cols + cc] != Int32(g) { perimeterEdgesY += 1 }
                    }
                    for dr in [1, -1] {
                        let rr = r + dr
                        if rr < 0 || rr >= rows || labels[rr * cols + c] != Int32(g) { perimeterEdges += 1 }
                    }
                }
                let m = Double(px.count)
                let cx = sx / m, cy = sy / m
                var sxx = 0.0, syy = 0.0, sxy = 0.0
                for i in px {
                    let x = Double(i % cols) * dx - cx, y = Double(i / cols) * dy - cy
                    sxx += x * x
                    syy += y * y
                    sxy += x * y
                }
                // pixel's own extent (uniform square) adds step²/12 to each variance
                sxx = sxx / m + dx * dx / 12
                syy = syy / m + dy * dy / 12
                sxy /= m
                let tr = sxx + syy, det = sxx * syy - sxy * sxy
                let disc = max(0, tr * tr / 4 - det).squareRoot()
                let l1 = tr / 2 + disc, l2 = max(1e-30, tr / 2 - disc)
                let angle = 0.5 * atan2(2 * sxy, sxx - syy) * 180 / .pi
                let oris = px.map { Orientation(map.rotations[$0], group) }
                let mean = Orientation.mean(oris)!
                var gos = 0.0
                for o in oris { gos += o.disorientationAngle(to: mean) }
                let area = m * dx * dy
                out.p[g] = Grain(
                    id: g, phaseIndex: phase, pixelCount: px.count, area: area, equivalentDiameter: 2 * (area / .pi).squareRoot(),
                    perimeter: perimeterEdges * dx + perimeterEdgesY * dy, aspectRatio: (l1 / l2).squareRoot(), ellipseAngle: angle,
                    meanOrientation: mean.rotation, orientationSpread: gos / m * 180 / .pi, touchesEdge: edge, cx: cx, cy: cy)
            }
        }
        return grains.map { $0! }
    }
}
