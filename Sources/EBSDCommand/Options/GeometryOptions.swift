import ArgumentParser
import Foundation
import DetectorGeometry
import EBSDPipeline
import PatternStacks

/// The detector options shared by every command that needs a detector, so users learn them once. Each
/// option left out takes the value the pattern file states (instrument HDF5 files: pattern centre(s) in the
/// vendor's convention, tilts, binning; every stack: the pattern shape), else the default of
/// ``DetectorOptions``: an option given always wins. The options are a spelling of ``DetectorOverrides``.
struct GeometryOptions: ParsableArguments {
    static let defaults = DetectorOptions()

    @Option(help: "Pattern centre X,Y,Z in --convention (default: the file's, else 0.5,0.5,0.6).") var pc: String?
    @Option(help: "PC convention: bruker, tsl, oxford, emsoft (v5), emsoft4 (default: the file's, else bruker).") var convention: String?
    @Option(help: "Sample tilt in degrees (default: the file's, else 70).") var sampleTilt: Double?
    @Option(help: "Detector tilt in degrees (default: the file's, else 0).") var detectorTilt: Double?
    @Option(help: "Detector azimuthal angle in degrees (default: the file's, else 0).") var azimuthal: Double?
    @Option(help: "Detector (pattern) shape ROWSxCOLS (default: the stack's, else 60x60).") var patternShape: String?
    @Option(help: "Binning factor of the patterns (EMsoft PCs; default: the file's, else 1).") var binning: Int?
    @Option(help: "Unbinned detector pixel size in µm (EMsoft PCs; default: the file's, else 1).") var pixelSize: Double?
    @Option(help: "Scan of an HDF5 file that holds several (default: the first).") var scan: String?
    @Option(help: "A PC for every map point from a PC map (ebsd calibrate --grid … --pc-map); replaces --pc.") var pcMap: String?

    func validate() throws { _ = try detector() }

    /// "ROWSxCOLS" of option `name`.
    static func shape(_ s: String, name: String) throws -> (Int, Int) {
        let g = try gridShape(s, name: name)
        return (g.rows, g.columns)
    }

    /// "ROWSxCOLS" of option `name` as a ``GridShape``.
    static func gridShape(_ s: String, name: String) throws -> GridShape {
        do { return try GridShape(parsing: s, name: name) } catch { throw ValidationError("\(error)") }
    }

    /// The options given, as the library's ``DetectorOverrides``.
    var overrides: DetectorOverrides {
        get throws {
            var o = DetectorOverrides()
            if let pc {
                let v = pc.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard v.count == 3 else { throw ValidationError("--pc must be three numbers X,Y,Z (got '\(pc)')") }
                o.pc = PatternCenter(v[0], v[1], v[2])
            }
            do { o.convention = try convention.map { try PCConvention(parsing: $0, option: "--convention") } } catch {
                throw ValidationError("\(error)")
            }
            o.patternShape = try patternShape.map { try Self.gridShape($0, name: "--pattern-shape") }
            o.sampleTilt = sampleTilt
            o.detectorTilt = detectorTilt
            o.azimuthal = azimuthal
            o.binning = binning
            o.pixelSize = pixelSize
            o.pcMap = pcMap
            return o
        }
    }

    /// The detector from the options and the defaults alone (commands without a pattern file).
    func detector() throws -> Detector {
        do { return try overrides.detector() } catch let e as DetectorOptionsError { throw ValidationError("\(e)") }
    }

    /// The stack at `path` (its `--scan`) and its detector: the file's geometry under the options given; the
    /// patterns must have the detector's shape. A file's per-point pattern centres are kept unless --pc is given.
    /// With `nlpar`, the stack is read through NLPAR; image folders are placed by `naming`.
    func detectorAndStack(
        _ path: String, mapShape: (rows: Int, columns: Int)?, stepMicrons: Double? = nil,
        naming: ImageFolderNaming = ImageFolderNaming(), nlpar: NLPAROptions? = nil
    ) throws -> (Detector, PatternStack) {
        do {
            let (d, s) = try PatternStack.openWithDetector(
                path, mapShape: mapShape, scan: scan, stepMicrons: stepMicrons, naming: naming, overrides: try overrides)
            return (d, try nlpar?.apply(s) ?? s)
        } catch let e as DetectorOptionsError {
            let hint = pc == nil ? " (the file's geometry cannot be used: give --pc)" : ""
            throw ValidationError("\(path): \(e)\(hint)")
        } catch let e as PCMapError { throw ValidationError("\(e)") }
    }

    /// The options as a user would type them (for reports).
    var commandLine: String {
        let o = (try? overrides.applied()) ?? Self.defaults
        return "--pc \(o.pc.x),\(o.pc.y),\(o.pc.z) --convention \(o.convention) --pattern-shape \(o.patternShape) "
            + "--sample-tilt \(o.sampleTilt) --detector-tilt \(o.detectorTilt)"
    }
}
