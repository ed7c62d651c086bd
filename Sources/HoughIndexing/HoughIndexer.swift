import EBSDCore
import Foundation
import Crystallography
import CrystalMaps
import DetectorGeometry
import PatternStacks
import Preprocessing

/// Hough indexing, the classic route: background removal → Radon transform in
/// gnomonic coordinates → band enhancement and peak detection → band normals
/// in the sample frame → triplet-style pair voting against each phase's
/// reflector library → least-squares fit. All look-up tables are built once
/// per detector; patterns are indexed in parallel and streamed in chunks.
public struct HoughIndexer: Sendable {
    /// Bands per pattern unless given (the reference study used 6–11; the dev-set accuracy figures are at 11).
    public static let defaultBandCount = 11
    /// Hough angle steps over 180° unless given.
    public static let defaultThetaCount = 180
    /// The static background unless given: the pattern file's own where it holds one (instrument HDF5 files, NORDIF),
    /// else none. On the 9 real Ni patterns (NORDIF) the median error is 0.446° without and 0.390° with it.
    public static let defaultStaticBackground = StaticBackground.fileIfAny
    /// The largest pattern side Hough works at: larger patterns are binned down (``automaticBinning(rows:columns:)``).
    public static let maximumWorkingSide = 120

    /// The smallest pattern side binning may bring patterns down to.
    public static let minimumWorkingSide = 60

    /// The binning unless given: among the factors that divide both sides and leave the larger at least
    /// ``minimumWorkingSide`` px, the smallest that brings it to at most ``maximumWorkingSide`` px (480 px → 4, i.e.
    /// 120 px; 400 × 300 → 4), else the largest (1244 × 1024 → 4, 311 × 256 px); 1 for patterns no larger than
    /// ``maximumWorkingSide``. Measured on 899 simulated 480 px Ni patterns (release, 2 cores; median error to the
    /// truth, patterns/s, peak RSS): full size 0.047°, 14/s, 552 MB; binned 3 (160 px) 0.046°, 123/s, 132 MB;
    /// 4 (120 px) 0.053°, 170/s, 108 MB; 5 (96 px) 0.051°, 222/s; 6 (80 px) 0.060°, 240/s. Hough's accuracy is set
    /// by the angular sampling of the transform once the bands are a few pixels wide.
    public static func automaticBinning(rows: Int, columns: Int) -> Int {
        let side = max(rows, columns)
        guard side > maximumWorkingSide else { return 1 }
        let factors = (1...side).filter { rows % $0 == 0 && columns % $0 == 0 && side / $0 >= minimumWorkingSide }
        return factors.first { side / $0 <= maximumWorkingSide } ?? factors.last ?? 1
    }

    /// Why `binning` cannot bin rows × columns patterns (it must be ≥ 1 and divide both sides), or nil when it can.
    public static func binningProblem(_ binning: Int, rows: Int, columns: Int) -> String? {
        binning >= 1 && rows % binning == 0 && columns % binning == 0
            ? nil : "binning \(binning) must be ≥ 1 and divide the \(rows)x\(columns) patterns"
    }

    /// The detector of the patterns as given, before ``binning``.
    public let inputDetector: Detector
    /// The factor every pattern is binned by first (1: none); ``detector`` is the binned detector.
    public let binning: Int
    /// Bins a pattern of ``inputDetector``'s shape (nil when ``binning`` is 1).
    let binner: Preprocessor?

    /// Reflector families per phase: 4 for one phase, 5 to tell similar phases apart (e.g. Na and Na2O).
    public static func defaultFamilyCount(phases: Int) -> Int { phases > 1 ? 5 : 4 }
    /// The bytes of raw patterns ``index(stack:chunkBytes:progress:)`` reads at a time unless given (the stacks'
    /// ``PatternStacks/PatternStack/defaultChunkBytes``).
    public static let defaultChunkBytes = PatternStack.defaultChunkBytes
    /// The detector Hough works with: the patterns' after ``binning``.
    public let detector: Detector
    /// Band indexer (pair voting against the reflector libraries); replaceable, e.g. with other tolerances.
    public var indexer: BandIndexer
    public let radon: RadonTransform
    /// Band detector (peak search in the Radon transform); replaceable, e.g. with another band count.
    public var bands: BandDetector
    /// Preprocessing before the Radon transform; replaceable, e.g. with a Gaussian pre-filter added.
    public var preprocessor: Preprocessor
    public let phases: [Phase]
    /// The band-width check that decides between phases geometry cannot tell apart (several phases only; the
    /// geometric choice is ``indexer``'s ``BandIndexer/phaseChoice``).
    public let widthCheck: BandWidthCheck?
    /// Final orientation refinement on the enhanced Radon transform, with every band of the
    /// reflector library (nil: off). Dev Na sets: 120 px median error 0.244° → 0.162°, 60 px
    /// 94.6 % → 96.8 % within 2° and median 0.60° → 0.38°, for 2–7 % of the time.
    public var radonRefinement: RadonRefinement?
    /// A sharper view of the bands for the refinement (nil: off): where the bands stand out more in it than in the
    /// detection view, the orientation is refined once more on it. Real Ni (9 patterns, one mean PC, 11 bands):
    /// Hough median error 0.62° → 0.37°. Made only for patterns whose sharpness (``PatternQuality``, of the
    /// background-removed pattern) reaches ``SharpBandView/minimumSharpness``: noisy patterns keep the detection view.
    public var sharpView: SharpBandView?
    /// The preprocessing's steps before its Gaussian filter (background removal), made once per pattern for the
    /// width check, the sharpness and ``sharpView``.
    let backgroundPreprocessor: Preprocessor
    /// The steps after the Gaussian, applied to the background-removed pattern for the width check and the sharpness:
    /// no Gaussian, which would widen every band and cut the high frequencies the sharpness measures.
    let widthPreprocessor: Preprocessor
    let patternQuality: PatternQuality

    /// - Parameters:
    ///   - thetaCount, rhoCount: Hough resolution (0 = one ρ cell per detector pixel).
    ///   - bandCount: bands per pattern (the reference study used 6–11).
    ///   - voltageKV: accelerating voltage (kV); sets the expected band width from the strongest reflector's Bragg angle.
    ///   - staticBackground: an image of the pattern's shape subtracted from every pattern first (the stack's own by
    ///     default where it holds one: ``defaultStaticBackground``, resolved by the caller with
    ///     ``Preprocessing/StaticBackground/image(for:meanPattern:)``).
    ///   - binning: the factor patterns are binned by before anything else (nil: ``automaticBinning(rows:columns:)``).
    ///     The PC is unaffected (a fraction of the pattern); the band geometry is the binned detector's.
    public init(
        detector input: Detector, phases: [Phase], thetaCount: Int = HoughIndexer.defaultThetaCount, rhoCount: Int = 0,
        bandCount: Int = HoughIndexer.defaultBandCount,
        voltageKV: Double = Electron.defaultVoltageKV, familyCount: Int? = nil, dynamicBackgroundSigma: Double? = nil,
        gaussianSigma: Double = 1,
        clip: (Double, Double)? = nil, bandWidthScale: Double = 2, staticBackground fullBackground: [Float]? = nil,
        binning: Int? = nil
    ) {
        precondition(
            fullBackground.map { $0.count == input.rows * input.columns } ?? true,
            "the static background must have the detector's \(input.rows)x\(input.columns) pixels")
        let binFactor = binning ?? Self.automaticBinning(rows: input.rows, columns: input.columns)
        if let problem = Self.binningProblem(binFactor, rows: input.rows, columns: input.columns) { preconditionFailure(problem) }
        inputDetector = input
        self.binning = binFactor
        let binner =
            binFactor > 1 ? Preprocessor(rows: input.rows, columns: input.columns, steps: [.binning(factor: binFactor)]) : nil
        self.binner = binner
        let detector = input.binned(by: binFactor)
        let staticBackground = fullBackground.map { binner?.apply($0) ?? $0 }
        self.detector = detector
        self.phases = phases
        widthCheck = phases.count > 1 ? BandWidthCheck(phases: phases, voltageKV: voltageKV) : nil
        let families = familyCount ?? Self.defaultFamilyCount(phases: phases.count)
        let libs = phases.map { ReflectorLibrary(phase: $0, familyCount: families) }
        indexer = BandIndexer(libraries: libs)
        radon = RadonTransform(detector: detector, thetaCount: thetaCount, rhoCount: rhoCount)
        let fam = phases[0].reflectorFamilies(minimumD: 0.07).max {
            $0.structureFactor * $0.structureFactor * Double($0.multiplicity) < $1.structureFactor * $1.structureFactor
                * Double($1.multiplicity)
        }
        let twoTheta = 2 * (fam?.braggAngle(voltage: voltageKV * 1000) ?? 0.015)
        let cell = 2 * radon.rhoMax / Double(radon.rhoCount)
        bands = BandDetector(radon: radon, bandWidth: max(1, bandWidthScale * twoTheta / cell), bandCount: bandCount)
        radonRefinement = RadonRefinement(radon: radon)
        // Background removal, then a light Gaussian. The band-enhancement kernel is made
        // `bandWidthScale` (2) times the Bragg width of the strongest reflector: a kernel
        // matched to the bare 2θ found mostly false bands through bright zone axes; the wider one
        // raised the dev Na sets from 58 % to 100 % (120 px) and 4 % to ~85 % (60 px) within 2°.
        let bgSigma = dynamicBackgroundSigma ?? DynamicBackground.defaultSigma(columns: detector.columns)
        let factor = bgSigma >= 8 ? 4 : (bgSigma >= 4 ? 2 : 1)
        preprocessor = Preprocessor(
            rows: detector.rows, columns: detector.columns,
            steps: (staticBackground.map { [.staticBackground(image: $0, operation: .subtract)] } ?? []) + [
                factor > 1
                    ? .dynamicBackgroundBinned(sigma: bgSigma, factor: factor, operation: .subtract)
                    : .dynamicBackground(sigma: bgSigma, operation: .subtract)
            ] + (gaussianSigma > 0 ? [.gaussianFilter(sigma: gaussianSigma)] : [])
                + (clip.map { [.clipPercentiles(lower: $0.0, upper: $0.1)] } ?? []))
        let steps = preprocessor.steps
        let gaussian = steps.firstIndex {
            if case .gaussianFilter = $0 { return true } else { return false }
        }
        let after = gaussian.map { Array(steps[($0 + 1)...]) } ?? []
        backgroundPreprocessor = Preprocessor(
            rows: detector.rows, columns: detector.columns, steps: Array(steps[..<(gaussian ?? steps.count)]))
        widthPreprocessor = Preprocessor(rows: detector.rows, columns: detector.columns, steps: after)
        var sigma: Double?
        if let g = gaussian, case .gaussianFilter(let s) = steps[g] { sigma = s }
        sharpView = SharpBandView(
            detector: detector, thetaCount: thetaCount, detectionGaussian: sigma, stepsAfter: after, braggWidth: twoTheta)
        patternQuality = PatternQuality(rows: detector.rows, columns: detector.columns)
    }

    /// Sample-frame unit normals of detected bands.
    public func bandNormals(_ bands: [Band]) -> [Vector3] {
        let m = detector.sampleToDetector
        return bands.map { (m[0] * cos($0.theta) + m[1] * sin($0.theta) - m[2] * $0.rho).unit }
    }

    /// Sample-frame unit normals of bands detected in this indexer's Radon transform (made with its detector's
    /// first PC), seen from pattern centre `pc` instead: the bands are lines on the detector, so they are
    /// detected once and only their gnomonic distance ρ changes with the PC (``Band/seen(from:to:rows:columns:)``).
    public func bandNormals(_ bands: [Band], pc: PatternCenter) -> [Vector3] {
        let pc0 = detector.pc()
        return bandNormals(bands.map { $0.seen(from: pc0, to: pc, rows: detector.rows, columns: detector.columns) })
    }

    /// Indexes one pattern (raw intensities, rows × columns).
    public func index(_ pattern: [Float]) -> (IndexingSolution?, [Band]) {
        let r = analyse(pattern)
        return (r.solution, r.bands)
    }

    /// Indexes one pattern and measures its figures of merit.
    public func analyse(_ pattern: [Float]) -> HoughResult {
        analyse(batch: pattern, count: 1)[0]
    }

    /// Band detection, indexing and figures of merit of one pattern whose Radon transform (of the preprocessed
    /// pattern) is given, with its background-removed view for the width check and the sharpness, and its transform
    /// in ``sharpView`` when there is one.
    /// With one PC per map point (`detector.pcs`), the bands are seen from map point `point`'s PC.
    func solve(
        _ pattern: [Float], transform: [Float], background: [Float], sharpTransform: [Float]?, point: Int, sharpness: Double? = nil
    ) -> HoughResult {
        var t = transform
        let enhanced = bands.enhance(t)
        let b = bands.detect(enhanced: enhanced)
        let ownPC: PatternCenter? = detector.pcs.count > 1 ? detector.pc(at: point) : nil
        let normals = ownPC.map { bandNormals(b, pc: $0) } ?? bandNormals(b)
        let quality = HoughQuality.measure(transform: transform, bands: b, radon: radon, bandWidth: bands.bandWidth)
        func result(_ s: IndexingSolution?) -> HoughResult {
            var s = s
            if let found = s, let rr = radonRefinement {
                let library = indexer.libraries[found.phaseIndex].normals
                let wide = rr.refine(enhanced: enhanced, start: found.rotation, crystalNormals: library, pc: ownPC)
                s?.rotation = wide.rotation
                if let view = sharpView, let st = sharpTransform, let wideScore = wide.score {
                    let sharp = view.bands.enhance(st)
                    if let sharpScore = view.refinement.score(enhanced: sharp, rotation: wide.rotation, crystalNormals: library, pc: ownPC),
                        RadonRefinement.contrast(enhanced: sharp, score: sharpScore)
                            > RadonRefinement.contrast(enhanced: enhanced, score: wideScore)
                    {
                        s?.rotation =
                            view.refinement.refine(enhanced: sharp, start: wide.rotation, crystalNormals: library, pc: ownPC).rotation
                    }
                }
            }
            return HoughResult(
                solution: s, bands: b, quality: quality, sharpness: sharpness ?? patternQuality.sharpness(background),
                meanIntensity: PatternQuality.meanIntensity(pattern))
        }
        guard let widthCheck else { return result(indexer.index(normals)) }
        let close = indexer.candidates(normals)
        if close.count <= 1 { return result(close.first) }
        background.withUnsafeBufferPointer { pb in
            t.withUnsafeMutableBufferPointer { radon.transform(pb.baseAddress!, into: $0.baseAddress!) }
        }
        let scored = close.map {
            (
                $0,
                widthCheck.score(phase: $0.phaseIndex, rotation: $0.rotation, bands: b, normals: normals, transform: t, radon: radon)
                    ?? -.infinity
            )
        }
        return result(scored.max { $0.1 < $1.1 }!.0)
    }

    /// Indexes `count` patterns stored contiguously, in parallel: groups of `group` patterns share one
    /// pass of the Radon transform over its cell table (``RadonTransform/transform(batch:count:into:minCount:)``).
    public func index(batch: [Float], count: Int, group: Int = 8, firstPoint: Int = 0) -> [IndexingSolution?] {
        analyse(batch: batch, count: count, group: group, firstPoint: firstPoint).map(\.solution)
    }

    /// As ``index(batch:count:group:firstPoint:)``, with every pattern's bands and figures of merit. `firstPoint` is
    /// the map point of the first pattern (for a detector with one PC per map point).
    public func analyse(batch: [Float], count: Int, group: Int = 8, firstPoint: Int = 0) -> [HoughResult] {
        let n = inputDetector.pixelCount, tn = radon.thetaCount * radon.rhoCount
        var out = [HoughResult?](repeating: nil, count: count)
        let groups = (count + group - 1) / group
        out.withUnsafeMutableBufferPointer { ob in
            let o = UncheckedPointer(ob.baseAddress!)
            parallelFor(groups) { g in
                let lo = g * group, m = min(count, lo + group) - lo
                let raw = (0..<m).map { k in
                    let pattern = Array(batch[((lo + k) * n)..<((lo + k + 1) * n)])
                    return binner?.apply(pattern) ?? pattern
                }
                // the background is removed once per pattern, for the width check, the sharpness and the sharp view
                let removed = raw.map { backgroundPreprocessor.apply($0) }
                let backgrounds = removed.map { widthPreprocessor.apply($0) }
                let sharpness = backgrounds.map { patternQuality.sharpness($0) }
                let t = transforms(raw.flatMap { preprocessor.apply($0) }, count: m, radon: radon)
                // the sharp view only for the patterns sharp enough to gain from it (its transform is a quarter to a
                // half of the time of a pattern)
                let sharpOnes = sharpView == nil ? [] : (0..<m).filter { sharpness[$0] >= SharpBandView.minimumSharpness }
                let sharp = sharpView.map { view in
                    transforms(sharpOnes.flatMap { view.smoothing.apply(removed[$0]) }, count: sharpOnes.count, radon: view.radon)
                }
                let sn = sharpView.map { $0.radon.thetaCount * $0.radon.rhoCount } ?? 0
                for k in 0..<m {
                    let j = sharpOnes.firstIndex(of: k)
                    o.p[lo + k] = solve(
                        raw[k], transform: Array(t[(k * tn)..<((k + 1) * tn)]), background: backgrounds[k],
                        sharpTransform: j.flatMap { j in sharp.map { Array($0[(j * sn)..<((j + 1) * sn)]) } }, point: firstPoint + lo + k,
                        sharpness: sharpness[k])
                }
            }
        }
        return out.map { $0! }
    }

    /// The Radon transforms of `count` preprocessed patterns stored contiguously, in one batched pass.
    private func transforms(_ patterns: [Float], count: Int, radon: RadonTransform) -> [Float] {
        var t = [Float](repeating: 0, count: count * radon.thetaCount * radon.rhoCount)
        patterns.withUnsafeBufferPointer { pb in
            t.withUnsafeMutableBufferPointer { radon.transform(batch: pb.baseAddress!, count: count, into: $0.baseAddress!) }
        }
        return t
    }

    /// Indexes a whole stack in chunks (constant memory) into a crystal map; a detector with one PC per map point
    /// (a PC map, an instrument file's PCs) sees each pattern's bands from its own PC (counted from the stack's
    /// ``PatternStacks/PatternStack/firstPoint`` for a shard of map rows). The map's step is the stack's
    /// (``PatternStacks/PatternStack/stepMicrons``). Band contrast and slope are scaled to 0–255 over the map
    /// (``HoughQuality/scaledTo255(_:)``); with `scaleQuality` false they are left as measured, for a map indexed in
    /// parts that ``HoughQuality/scalingBandContrast(of:)`` scales once put together.
    public func index(
        stack: PatternStack, chunkBytes: Int = HoughIndexer.defaultChunkBytes, scaleQuality: Bool = true,
        progress: ((Int) -> Void)? = nil
    ) throws -> CrystalMap {
        let chunk = stack.patterns(fitting: chunkBytes)
        let step = stack.stepMicrons
        let grid = MapGrid(rows: stack.mapRows, columns: stack.mapColumns, stepX: step, stepY: step)
        var rotations = [Rotation](repeating: .identity, count: grid.count)
        var phaseIndex = [Int32](repeating: -1, count: grid.count)
        var ci = [Float](repeating: -1, count: grid.count), fit = [Float](repeating: 0, count: grid.count)
        var nb = [Float](repeating: 0, count: grid.count), nm = nb
        var iq = nb, bc = nb, bs = nb, sharp = nb, mean = nb
        try stack.forEachChunk(size: chunk) { r, data in
            let results = analyse(batch: data, count: r.count, firstPoint: stack.firstPoint + r.lowerBound)
            for (k, result) in results.enumerated() {
                let i = r.lowerBound + k
                iq[i] = Float(result.quality.imageQuality)
                bc[i] = Float(result.quality.bandContrast)
                bs[i] = Float(result.quality.bandSlope)
                sharp[i] = Float(result.sharpness)
                mean[i] = Float(result.meanIntensity)
                guard let s = result.solution else { continue }
                rotations[i] = s.rotation
                phaseIndex[i] = Int32(s.phaseIndex)
                ci[i] = Float(s.confidence)
                fit[i] = Float(s.fit)
                nb[i] = Float(s.bandsDetected)
                nm[i] = Float(s.bandsMatched)
            }
            progress?(r.upperBound)
        }
        for i in stack.missingPoints {
            phaseIndex[i] = -1
            ci[i] = -1
        }
        let map = CrystalMap(
            grid: grid, phases: phases.enumerated().map { MapPhase(id: $0.offset + 1, phase: $0.element) }, phaseIndex: phaseIndex,
            rotations: rotations,
            properties: [
                MapProperty.confidenceIndex: ci, MapProperty.fit: fit, MapProperty.bands: nb, MapProperty.bandsMatched: nm,
                MapProperty.imageQuality: iq, MapProperty.bandContrast: bc, MapProperty.bandSlope: bs,
                MapProperty.patternSharpness: sharp, MapProperty.meanIntensity: mean,
            ],
            metadata: ["operator": "SwiftEBSD Hough indexing"])
        return scaleQuality ? HoughQuality.scalingBandContrast(of: map) : map
    }
}
