import Foundation
import Crystallography
import CrystalMaps
import Texture
import EBSDCore

/// The inverse pole figure of a map along a sample direction: the density of the crystal directions of one phase's
/// pixels in the Laue group's standard triangle (stereographic projection from the south pole, as orix), in multiples
/// of random density (MRD) with a spherical kernel and the symmetric images across the triangle's edges, a colour bar,
/// the outline and the corner directions outside the triangle; or the directions as dots in their key colours.
public struct IPFDensityPlot {
    public var directions: [Vector3]
    public var group: LaueGroup
    public var title: String
    public var kernel = SphericalKernel.standard
    public var scatter = false
    public var resolution = 200
    /// The directions are counted on a grid this many times coarser than the figure's (fewer kernel sums).
    public static let countingCoarsening = 2

    /// A counting pixel: how many directions fell in it and their sum (for their mean direction).
    struct CountingCell {
        var count = 0.0
        var sum = Vector3.zero
    }

    /// The crystal directions along sample direction `d` of every indexed pixel of phase `phase`.
    public init(map: CrystalMap, phase: Int, direction d: Vector3, title: String) {
        group = map.phases[phase].phase.laueGroup
        let members = map.phaseIndex.indices.filter { map.phaseIndex[$0] == Int32(phase) }
        var out = [Vector3](repeating: .zero, count: members.count)
        out.withUnsafeMutableBufferPointer { ob in
            let o = UncheckedPointer(ob.baseAddress!)
            parallelChunks(count: members.count) { range in
                for i in range { o.p[i] = map.rotations[members[i]].apply(d).unit }
            }
        }
        directions = out
        self.title = title
    }

    /// The density (MRD) on the `n` × `n` grid of `projection` inside the sector (NaN outside): the directions are
    /// first reduced into the sector and counted in the pixels of a grid ``countingCoarsening`` times coarser (with
    /// their mean direction); every symmetric image of those pixels near the sector then adds the kernel (tabulated)
    /// at each grid point inside. Counting moves a direction to its pixel's mean direction, at most one counting
    /// pixel away (0.45° on the 200-pixel cubic triangle, a tenth of the kernel's half width).
    func density(projection: SectorProjection, inside: [Bool], size n: Int) -> [Double] {
        let sector = group.fundamentalSector
        let h = max(1, n / Self.countingCoarsening)
        let dirs = directions
        let cells = parallelHistogram(
            items: dirs.count, cells: h * h, empty: CountingCell(), merge: { $0.count += $1.count; $0.sum += $1.sum }
        ) { items, base in
            for i in items {
                let v = sector.reduce(dirs[i])
                let q = projection.position(v, left: 0, top: 0, size: Double(h))
                let c = min(h - 1, max(0, Int(q.0))), r = min(h - 1, max(0, Int(q.1)))
                base[r * h + c].count += 1
                base[r * h + c].sum += v
            }
        }
        // every symmetric image of each occupied pixel's mean direction that lies near the sector
        let ops = group.properOperators
        let table = SphericalKernel.Table(kernel)
        let centre = sector.center.unit
        let sectorRadius = sector.vertices.map { acos(min(1, $0.unit.dot(centre))) }.max() ?? .pi / 2
        let cosReach = cos(min(.pi, sectorRadius + kernel.support))
        var images: [Vector3] = [], weights: [Double] = []
        for cell in cells where cell.count > 0 {
            let count = cell.count, v = cell.sum.unit
            for s in ops {
                let e = s.apply(v)
                for image in [e, -e] where image.dot(centre) >= cosReach {
                    images.append(image)
                    weights.append(count)
                }
            }
        }
        let m = Double(2 * ops.count)
        var density = [Double](repeating: .nan, count: n * n)
        let imageList = images, weightList = weights
        density.withUnsafeMutableBufferPointer { db in
            let d = UncheckedPointer(db.baseAddress!)
            parallelFor(n) { r in
                for c in 0..<n where inside[r * n + c] {
                    let u = projection.direction(row: r, column: c, size: n)
                    var acc = 0.0
                    for (k, e) in imageList.enumerated() { acc += weightList[k] * table.value(cosine: u.dot(e)) }
                    d.p[r * n + c] = acc / (Double(dirs.count) * m)
                }
            }
        }
        return density
    }

    public func write(to path: String, widthMM: Double = 85, dpi: Double = Figure.defaultDPI) throws(FigureError) {
        guard !directions.isEmpty else { throw FigureError("\(path): no indexed pixel of this phase") }
        let sector = group.fundamentalSector
        let projection = SectorProjection(group)
        let n = resolution
        func gridDirection(_ r: Int, _ c: Int) -> Vector3 { projection.direction(row: r, column: c, size: n) }
        var inside = [Bool](repeating: false, count: n * n)
        for r in 0..<n { for c in 0..<n { inside[r * n + c] = sector.contains(gridDirection(r, c)) } }
        var density = [Double](repeating: .nan, count: n * n)
        var top = 1.0
        if !scatter {
            density = self.density(projection: projection, inside: inside, size: n)
            top = max(1, density.filter { $0.isFinite }.max() ?? 1)
        }
        let bar = ColorBar(range: 0...top, title: "MRD (multiples of random density)")
        let f = try Figure(path: path, widthMM: widthMM, heightMM: widthMM * 0.75, dpi: dpi)
        let titleHeight = Figure.mm(points: Axes.titleSizePt) * 2
        let barWidth = scatter ? 0 : bar.width + 3
        let pad = f.measure("[111]", sizePt: Axes.labelSizePt).width + 1.5
        let size = min(widthMM - barWidth - 2 * pad - 2, f.heightMM - titleHeight - 2 * pad - 2)
        guard size > 15 else { throw FigureError("\(path): \(widthMM) mm is too narrow for the inverse pole figure and its key") }
        let left = pad + 1, upper = titleHeight + pad
        let heading = f.fitted(title, sizePt: Axes.titleSizePt, maximumWidth: widthMM - 2)
        f.text(heading.text, x: widthMM / 2, y: 1, sizePt: heading.sizePt, horizontal: .centre, vertical: .top)
        let toMM = { (v: Vector3) in projection.position(v, left: left, top: upper, size: size) }
        if scatter {
            let key = IPFColorKey(group)
            let every = max(1, directions.count / 20_000)
            for i in stride(from: 0, to: directions.count, by: every) {
                let v = sector.reduce(directions[i]).unit
                let p = toMM(v)
                f.circle(x: p.0, y: p.1, radius: 0.3, fill: Figure.Color(bytes: key.color(crystalDirection: v).bytes))
            }
        } else {
            var rgb = [UInt8](repeating: 255, count: 3 * n * n)
            for i in 0..<(n * n) where inside[i] {
                let c = bar.color(density[i])
                rgb[3 * i] = c.0
                rgb[3 * i + 1] = c.1
                rgb[3 * i + 2] = c.2
            }
            f.image(rgb: rgb, width: n, height: n, x: left, y: upper, drawWidth: size, drawHeight: size, transparent: inside.map { !$0 })
            bar.draw(f, x: widthMM - barWidth + 1, top: upper, height: size)
        }
        // outline: the great-circle arcs between consecutive vertices
        let vertices = sector.vertices.map(\.unit)
        if vertices.count >= 3 {
            var outline: [(Double, Double)] = []
            for k in 0..<vertices.count {
                let a = vertices[k], b = vertices[(k + 1) % vertices.count]
                let omega = acos(min(1, max(-1, a.dot(b))))
                for t in 0...40 {
                    let s = Double(t) / 40
                    let v = omega < 1e-9 ? a : (a * sin((1 - s) * omega) + b * sin(s * omega)) / sin(omega)
                    outline.append(toMM(v.unit))
                }
            }
            f.polyline(outline, lineWidthPt: 0.6, closed: true)
        }
        _ = projection.labelCorners(f, left: left, top: upper, size: size, sizePt: Axes.labelSizePt)
        if !scatter {
            let shape = kernel.shape == .gaussian ? "Gaussian" : "de la Vallée Poussin"
            let note = String(format: "max %.2f MRD, %@ kernel, half width %.0f°", top, shape, kernel.halfWidth * 180 / .pi)
            f.text(note, x: 1, y: f.heightMM - 1, sizePt: Axes.labelSizePt, vertical: .bottom)
        }
        try f.write()
    }
}
