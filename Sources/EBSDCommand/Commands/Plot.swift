import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import CrystalMaps
import Grains
import Figures
import Texture

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pictures of a map: phase, grain, KAM and quality maps (PNG), grain-size histogram and inverse pole figure.",
        discussion: """
            Kinds: phase, grains, kam (maps, PNG); figures of merit iq, bc, bs, ci, fit, sharpness, bse (mean pattern \
            intensity), score (maps, PNG; the README explains each); histogram (number- and area-weighted ECD, .svg or .png); \
            ipf (scatter .svg, density .png) along --direction; pole-figure ({100}, {110}, {111} or --poles h,k,l …; \
            density in multiples of uniform density with a Gaussian or de la Vallée Poussin kernel of --half-width, or \
            --scatter; equal-area or stereographic) and mdf (misorientation-angle distribution of neighbour and random \
            pairs with the Mackenzie curve), both drawn with cairo as .png (--dpi), .svg or .pdf, --width-mm wide. \
            Examples: ebsd plot histogram map.ang -o sizes.svg; ebsd plot kam map.ang --boundaries -o kam.png; \
            ebsd plot pole-figure map.ang --width-mm 180 -o pf.pdf; ebsd plot mdf map.ang -o mdf.png
            """
    )
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case phase, grains, kam, histogram, ipf, iq, bc, bs, ci, fit, sharpness, bse, score
        case poleFigure = "pole-figure", mdf, ipfMap = "ipf-map", csl, grod, gos
        /// The map property a figure-of-merit kind shows.
        var property: String? {
            switch self {
            case .iq: MapProperty.imageQuality
            case .bc: MapProperty.bandContrast
            case .bs: MapProperty.bandSlope
            case .ci: MapProperty.confidenceIndex
            case .fit: MapProperty.fit
            case .sharpness: MapProperty.patternSharpness
            case .bse: MapProperty.meanIntensity
            case .score: MapProperty.score
            default: nil
            }
        }
    }
    @Argument(
        help: "phase, grains, kam, histogram, ipf, pole-figure, mdf, or a figure of merit: iq, bc, bs, ci, fit, sharpness, bse, score.")
    var kind: Kind
    @Argument(help: "Map file.") var file: String
    @Option(help: "Grain / HAGB threshold in degrees.") var hagb = BoundaryThresholds.defaultHighDegrees
    @Option(help: "LAGB threshold in degrees.") var lagb = BoundaryThresholds.defaultLowDegrees
    @Option(help: "KAM: neighbours above this angle (degrees) are ignored.") var kamMax = CrystalMap.defaultKAMMaximumDegrees
    @Option(help: "Ignore grains smaller than this (histogram).") var minSize = GrainAnalysis.Parameters().minimumPixels
    @Option(help: "Sample direction for ipf: x, y or z.") var direction: SampleDirection = .z
    @Option(help: "Pixel enlargement for maps.") var scale = MapRenderer.defaultScale
    @Flag(help: "Draw boundaries on maps.") var boundaries = false
    @Option(help: "pole-figure: a plane family h,k,l (repeat for several; default 1,0,0 1,1,0 1,1,1).") var poles: [String] = []
    @Option(help: "pole-figure: equal-area or stereographic.") var projection = PoleFigure.defaultProjection.rawValue
    @Option(help: "pole-figure: density kernel, gaussian or de-la-vallee-poussin.") var kernel = SphericalKernel.defaultShape.rawValue
    @Option(help: "pole-figure: kernel half width at half maximum (degrees).") var halfWidth = SphericalKernel.defaultHalfWidthDegrees
    @Flag(help: "pole-figure: the poles as dots instead of their density.") var scatter = false
    @Option(help: "pole-figure, mdf: the phase (name or 1-based number; default the first).") var phase: String?
    @Option(help: "mdf: random pairs for the uncorrelated distribution.") var pairs = MisorientationDistribution.defaultUncorrelatedPairs
    @Option(help: "csl: the coincidence-site-lattice boundaries to draw, Σ values (e.g. 3,9,27; default 3).") var sigma = "3"
    @Option(help: "PNG resolution (dots per inch).") var dpi = Figure.defaultDPI
    @Option(help: "Figure width in mm (journal columns: 85 or 180; default 180 for pole figures, 85 for the others).")
    var widthMm: Double?
    @Option(name: .shortAndLong, help: "Output .png, .svg or .pdf (the figure's format).") var output: String

    func validate() throws {
        do { try BoundaryThresholds(lowDegrees: lagb, highDegrees: hagb).validate() } catch { throw ValidationError("\(error)") }
        guard kamMax > 0 else { throw ValidationError("--kam-max must be > 0") }
        guard Figure.Format(path: output) != nil else { throw ValidationError("output must be .png, .svg or .pdf") }
        guard dpi > 0, dpi.isFinite else { throw ValidationError("--dpi must be positive (got \(dpi))") }
        if let w = widthMm, !(w > 0) { throw ValidationError("--width-mm must be positive (got \(w))") }
        guard halfWidth > 0, halfWidth < 90 else { throw ValidationError("--half-width must be in (0°, 90°)") }
        guard PoleFigure.Projection(rawValue: projection) != nil else {
            throw ValidationError("--projection must be equal-area or stereographic")
        }
        guard SphericalKernel.Shape(rawValue: kernel) != nil else {
            throw ValidationError("--kernel must be gaussian or de-la-vallee-poussin")
        }
        _ = try families()
        _ = try sigmas()
        guard pairs > 0 else { throw ValidationError("--pairs must be positive") }

        try requireOutputFolder(output)
    }

    func run() throws {
        do {
            let map = try readMap(file)
            guard map.indexedCount > 0 || kind.property != nil else { throw ValidationError("\(file): the map has no indexed pixel") }
            switch kind {
            case .poleFigure, .mdf: try drawFigure(map)
            case .iq, .bc, .bs, .ci, .fit, .sharpness, .bse, .score:
                let property = kind.property!
                guard let layer = MapLayer.quality(property, of: map) else {
                    throw ValidationError("\(file): the map holds no '\(property)' column (it holds: \(map.properties.keys.sorted()))")
                }
                try drawMap(map, layer)
            case .phase: try drawMap(map, .phase)
            case .grains: try drawMap(map, .grains(GrainSegmentation(thresholdDegrees: hagb).segment(map)))
            case .ipfMap, .csl: try drawMap(map, .ipf(sampleDirection))
            case .grod, .gos:
                let grains = GrainSegmentation(thresholdDegrees: hagb).segment(map)
                let values = (kind == .grod ? grains.grod : grains.gos).map(Float.init)
                let finite = values.filter { $0.isFinite }.sorted()
                let top = finite.isEmpty ? 1 : max(0.1, finite[min(finite.count - 1, finite.count * 99 / 100)])
                try drawMap(map, .scalar(values, range: 0...top, label: kind == .grod ? "GROD (°)" : "GOS (°)"))
            case .kam:
                try drawMap(
                    map, .scalar(map.kernelAverageMisorientation(maximumDegrees: kamMax), range: 0...Float(kamMax), label: "KAM (°)"))
            case .histogram:
                let h = GrainStatistics(GrainSegmentation(thresholdDegrees: hagb, minimumPixels: minSize).segment(map)).ecdHistogram()
                try HistogramPlot(
                    edges: h.edges, number: h.number, area: h.area, title: "Grain size, \((file as NSString).lastPathComponent)"
                ).write(to: output, widthMM: widthMm ?? 85, dpi: dpi)
            case .ipf:
                var plot = IPFDensityPlot(
                    map: map, phase: try phaseIndex(map), direction: sampleDirection,
                    title: "\(direction.ipfLabel), \((file as NSString).lastPathComponent)")
                plot.scatter = scatter
                plot.kernel = SphericalKernel(SphericalKernel.Shape(rawValue: kernel)!, halfWidthDegrees: halfWidth)
                try plot.write(to: output, widthMM: widthMm ?? 85, dpi: dpi)
            }
            FileHandle.standardError.write(Data("wrote \(output)\n".utf8))
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }

    /// The sample direction of --direction.
    var sampleDirection: Vector3 { direction.vector }

    /// The Σ values of --sigma.
    func sigmas() throws -> [Int] {
        let v = sigma.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !v.isEmpty, v.allSatisfy({ ($0 ?? 0) >= 3 && ($0 ?? 0) <= 29 && ($0 ?? 0) % 2 == 1 }) else {
            throw ValidationError("--sigma \(sigma): expected odd Σ values from 3 to 29, e.g. 3,9,27")
        }
        return v.map { $0! }
    }

    /// A map figure (cairo) with the chosen boundaries, CSL boundaries for `csl`, the scale bar and the key.
    func drawMap(_ map: CrystalMap, _ layer: MapLayer) throws {
        var figure = MapFigure(map: map, layer: layer)
        figure.title = "\(kind.rawValue.uppercased()) \((file as NSString).lastPathComponent)"
        if boundaries || kind == .csl {
            figure.boundaries = BoundaryMap(map, thresholds: BoundaryThresholds(lowDegrees: lagb, highDegrees: hagb))
        }
        if kind == .csl {
            let wanted = Set(try sigmas())
            let special = SpecialBoundaryMap(map, highDegrees: hagb)
            figure.special = (special, Set(special.csl.relations.filter { wanted.contains($0.sigma) }.map(\.label)))
        }
        try figure.write(to: output, widthMM: widthMm ?? 85, dpi: dpi)
    }

    /// The plane families of --poles (h,k,l integers, not all zero).
    func families() throws -> [(Int, Int, Int)] {
        if poles.isEmpty { return [(1, 0, 0), (1, 1, 0), (1, 1, 1)] }
        return try poles.map { text in
            let v = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard v.count == 3, let h = v[0], let k = v[1], let l = v[2], h != 0 || k != 0 || l != 0 else {
                throw ValidationError("--poles \(text): expected three integers h,k,l, not all zero (e.g. 1,1,0)")
            }
            return (h, k, l)
        }
    }

    /// The map's phase chosen by --phase (index into `map.phases`).
    func phaseIndex(_ map: CrystalMap) throws -> Int {
        guard let p = phase else { return 0 }
        if let n = Int(p), (1...map.phases.count).contains(n) { return n - 1 }
        guard let i = map.phases.firstIndex(where: { $0.phase.name.lowercased() == p.lowercased() }) else {
            throw ValidationError("\(file): no phase '\(p)' (the map has: \(map.phases.map(\.phase.name).joined(separator: ", ")))")
        }
        return i
    }

    /// Pole figures and the misorientation distribution, drawn with cairo.
    func drawFigure(_ map: CrystalMap) throws {
        let p = try phaseIndex(map)
        let members = map.phaseIndex.indices.filter { map.phaseIndex[$0] == Int32(p) }
        guard !members.isEmpty else { throw ValidationError("\(file): the map has no indexed pixel of phase \(map.phases[p].phase.name)") }
        let ph = map.phases[p].phase
        switch kind {
        case .poleFigure:
            let rotations = members.map { map.rotations[$0] }
            let figures = try families().map { f in
                ("{\(f.0)\(f.1)\(f.2)}".replacingOccurrences(of: "-", with: "−"), PoleFigure(orientations: rotations, phase: ph, hkl: f))
            }
            let plot = PoleFigurePlot(
                figures: figures, projection: PoleFigure.Projection(rawValue: projection)!,
                kernel: SphericalKernel(SphericalKernel.Shape(rawValue: kernel)!, halfWidthDegrees: halfWidth), scatter: scatter)
            try plot.write(to: output, widthMM: widthMm ?? 180, dpi: dpi)
        default:
            let plot = MisorientationPlot(
                correlated: MisorientationDistribution.correlated(map, phase: p, minimumDegrees: lagb),
                uncorrelated: MisorientationDistribution.uncorrelated(map, phase: p, pairs: pairs),
                mackenzie: MackenzieDistribution(laueGroup: ph.laueGroup, binWidthDegrees: 0.5),
                title: "\(ph.name): misorientation angles, \((file as NSString).lastPathComponent)")
            try plot.write(to: output, widthMM: widthMm ?? 85, dpi: dpi)
        }
    }
}
