import ArgumentParser
import Foundation
import EBSDPipeline
import PatternStacks
import Preprocessing
import EBSDImageIO
import EBSDHDF5

struct Preprocess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Clean a pattern stack: static and dynamic background, filters, binning, averaging → multi-page TIFF.",
        discussion: """
            Steps run in this order: NLPAR (on the raw patterns), static background, dynamic background, neighbour averaging (NPAR), \
            Gaussian filter, binning, mask, normalisation. Streams the stack in chunks of map rows, so memory \
            stays flat. Example: ebsd preprocess SampleMaps/na-foil-topview/patterns.tif --static-background mean \
            --dynamic-background 7.5 -o clean.tif
            """
    )
    @Argument(help: "Stack file or folder.") var stack: String
    @OptionGroup var map: ScanGridOption
    @OptionGroup var nlparOptions: NLPAROptions
    @Option(help: "Static background: an image file (TIFF/PNG) or 'mean' for the stack mean.") var staticBackground: String?
    @Option(help: "Dynamic background: Gaussian σ in pixels (kikuchipy's default is width/8).") var dynamicBackground: Double?
    @Option(help: "Background removal: subtract or divide.") var operation = "subtract"
    @Flag(help: "Average each pattern with its 3 × 3 map neighbours (NPAR).") var npar = false
    @Option(help: "Gaussian filter σ in pixels.") var gaussian: Double?
    @Option(help: "Bin pixels by this factor.") var binning: Int?
    @Flag(help: "Zero the pixels outside the inscribed circle.") var circularMask = false
    @Flag(help: "Normalise each pattern to zero mean and unit norm (float output only).") var normalize = false
    @Option(help: "Output sample type: float32, uint16 or uint8.") var type = "float32"
    @Option(help: "Map rows per streamed chunk (default: as many as fit \(PatternStack.defaultChunkBytes >> 20) MB of patterns).")
    var chunkRows: Int?
    @Option(name: .shortAndLong, help: "Output: multi-page TIFF, or .h5 for kikuchipy's h5ebsd layout (kikuchipy and PyEBSDIndex load it).")
    var output: String
    @Option(help: "Scan of an HDF5 file that holds several (default: the first).") var scan: String?

    func validate() throws {
        guard ["subtract", "divide"].contains(operation) else { throw ValidationError("--operation must be subtract or divide") }
        guard ["float32", "uint16", "uint8"].contains(type) else { throw ValidationError("--type must be float32, uint16 or uint8") }
        if let b = binning { guard b >= 1 else { throw ValidationError("--binning must be ≥ 1") } }
        if let g = gaussian { guard g > 0 else { throw ValidationError("--gaussian must be > 0") } }
        if let d = dynamicBackground { guard d > 0 else { throw ValidationError("--dynamic-background must be > 0") } }
        guard (chunkRows ?? 1) >= 1 else { throw ValidationError("--chunk-rows must be ≥ 1") }
        if normalize && type != "float32" { throw ValidationError("--normalize needs --type float32") }
    }

    func run() throws {
        do {
            let raw = try PatternStack.open(
                stack, mapShape: try map.shape(), scan: scan, stepMicrons: map.step, naming: try map.names.naming())
            let s = try nlparOptions.apply(raw)
            let op: BackgroundOperation = operation == "divide" ? .divide : .subtract
            var before: [PreprocessStep] = []
            if let sb = staticBackground {
                let bg: [Float]
                if sb == "mean" {
                    bg = try s.withoutNLPAR.meanPattern()
                } else {
                    let img = try PatternStack.open(sb, mapShape: (1, 1))
                    guard img.patternRows == s.patternRows && img.patternColumns == s.patternColumns else {
                        throw ValidationError(
                            "static background \(sb) is \(img.patternColumns)×\(img.patternRows), patterns are "
                                + "\(s.patternColumns)×\(s.patternRows)"
                        )
                    }
                    bg = try img.read(0..<1)
                }
                before.append(.staticBackground(image: bg, operation: op))
            }
            if let d = dynamicBackground { before.append(.dynamicBackground(sigma: d, operation: op)) }
            var after: [PreprocessStep] = []
            if let g = gaussian { after.append(.gaussianFilter(sigma: g)) }
            if let b = binning, b > 1 { after.append(.binning(factor: b)) }
            let p1 = Preprocessor(rows: s.patternRows, columns: s.patternColumns, steps: before)
            var shape = p1.outputShape
            if let b = binning, b > 1 { shape = (shape.rows / b, shape.columns / b) }
            if circularMask { after.append(.mask(Preprocessing.circularMask(rows: shape.rows, columns: shape.columns))) }
            if normalize {
                after.append(.normalize(mask: circularMask ? Preprocessing.circularMask(rows: shape.rows, columns: shape.columns) : nil))
            }
            let p2 = Preprocessor(rows: s.patternRows, columns: s.patternColumns, steps: after)
            let t: TIFFSampleType = type == "uint8" ? .uint8 : type == "uint16" ? .uint16 : .float32
            let append: ([Float]) throws -> Void, finish: () throws -> Void
            if (output as NSString).pathExtension.lowercased() == "h5" {
                let stored: HDF5File.StoredType = t == .uint8 ? .uint8 : t == .uint16 ? .uint16 : .float32
                let writer = try H5EBSDWriter(
                    output, rows: shape.rows, columns: shape.columns, type: stored,
                    header: try h5Header(s, binnedBy: binning ?? 1))
                (append, finish) = ({ try writer.append($0) }, { try writer.finish() })
            } else {
                let writer = try TIFFPageWriter(
                    output, width: shape.columns, height: shape.rows, type: t,
                    description:
                        "{\"shape\": [\(s.count), \(shape.rows), \(shape.columns)], \"map_shape\": [\(s.mapRows), \(s.mapColumns)]}")
                (append, finish) = ({ try writer.append($0) }, { try writer.finish() })
            }
            let progress = ProgressReporter(total: s.count, label: "preprocess")
            let np = s.patternSize
            let averager = npar ? NeighbourAveraging() : nil
            var r0 = 0
            while r0 < s.mapRows {
                let rows = r0..<min(s.mapRows, r0 + (chunkRows ?? s.mapRows(fitting: PatternStack.defaultChunkBytes)))
                let halo = averager == nil ? rows : max(0, rows.lowerBound - 1)..<min(s.mapRows, rows.upperBound + 1)
                let raw = try s.read((halo.lowerBound * s.mapColumns)..<(halo.upperBound * s.mapColumns))
                var block = p1.apply(batch: raw, count: halo.count * s.mapColumns)
                if let a = averager {
                    block = a.average(block: block, haloRows: halo, rows: rows, mapColumns: s.mapColumns, patternSize: np)
                }
                let done = p2.apply(batch: block, count: rows.count * s.mapColumns)
                let m = shape.rows * shape.columns
                for k in 0..<(rows.count * s.mapColumns) {
                    var page = Array(done[(k * m)..<((k + 1) * m)])
                    if t != .float32 && staticBackground == nil && dynamicBackground == nil {
                        Preprocessor.rescale(&page, 0, t == .uint8 ? 255 : 65535)
                    } else if t == .uint16 {
                        Preprocessor.rescale(&page, 0, 65535)
                    }
                    try append(page)
                }
                r0 = rows.upperBound
                progress.update(r0 * s.mapColumns)
            }
            try finish()
            FileHandle.standardError.write(Data("wrote \(output) (\(s.count) patterns, \(shape.rows)×\(shape.columns) px)\n".utf8))
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }

    /// The h5ebsd header: the geometry the stack's file states (else the library's defaults), PC in Bruker's
    /// convention (the mean of per-point PCs), binning multiplied by this command's.
    func h5Header(_ s: PatternStack, binnedBy factor: Int) throws -> H5EBSDWriter.Header {
        let det: Detector
        do {
            det = try Detector(stack: s)
        } catch {
            say("\(stack): \(error); the default geometry is written to \(output)")
            var o = DetectorOptions()
            o.patternShape = GridShape(rows: s.patternRows, columns: s.patternColumns)
            det = try o.detector()
        }
        var h = H5EBSDWriter.Header(mapRows: s.mapRows, mapColumns: s.mapColumns)
        let pcs = det.pcs
        h.pc = SIMD3(pcs.map(\.x).reduce(0, +), pcs.map(\.y).reduce(0, +), pcs.map(\.z).reduce(0, +)) / Double(pcs.count)
        h.sampleTilt = det.sampleTilt
        h.detectorTilt = det.detectorTilt
        h.azimuthal = det.azimuthal
        h.binning = det.binning * factor
        h.pixelSize = det.pixelSize
        h.stepX = s.stepMicrons
        h.stepY = s.stepKnown ? s.metadata?.stepY ?? s.stepMicrons : s.stepMicrons
        h.voltageKV = s.metadata?.voltageKV ?? h.voltageKV
        return h
    }
}
