import ArgumentParser
import Foundation
import DetectorGeometry
import EBSDPipeline
import PatternStacks

/// The detector options shared by every command that needs a detector, so users learn them
/// once; they map onto ``DetectorOptions``, whose defaults they show.
struct GeometryOptions: ParsableArguments {
    static let defaults = DetectorOptions()

    @Option(help: "Pattern centre X,Y,Z in --convention.")
    var pc: String = "\(defaults.pc.x),\(defaults.pc.y),\(defaults.pc.z)"
    @Option(help: "PC convention: bruker, tsl, oxford, emsoft (v5), emsoft4.") var convention: String = defaults.convention
    @Option(help: "Sample tilt in degrees.") var sampleTilt: Double = defaults.sampleTilt
    @Option(help: "Detector tilt in degrees.") var detectorTilt: Double = defaults.detectorTilt
    @Option(help: "Detector azimuthal angle in degrees.") var azimuthal: Double = defaults.azimuthal
    @Option(help: "Detector (pattern) shape ROWSxCOLS.") var patternShape: String = defaults.patternShape
    @Option(help: "Binning factor of the patterns (EMsoft PCs).") var binning: Int = defaults.binning
    @Option(help: "Unbinned detector pixel size in µm (EMsoft PCs).") var pixelSize: Double = defaults.pixelSize

    func validate() throws { _ = try detector() }

    /// "ROWSxCOLS" of option `name`.
    static func shape(_ s: String, name: String) throws -> (Int, Int) {
        do { return try DetectorOptions.shape(s, name: name) } catch { throw ValidationError("\(error)") }
    }

    var options: DetectorOptions {
        get throws {
            var o = DetectorOptions()
            let v = pc.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard v.count == 3 else { throw ValidationError("--pc must be three numbers X,Y,Z (got '\(pc)')") }
            o.pc = PatternCenter(v[0], v[1], v[2])
            o.patternShape = patternShape
            o.convention = convention
            o.sampleTilt = sampleTilt
            o.detectorTilt = detectorTilt
            o.azimuthal = azimuthal
            o.binning = binning
            o.pixelSize = pixelSize
            return o
        }
    }

    func detector() throws -> Detector {
        do { return try options.detector() } catch let e as DetectorOptionsError { throw ValidationError("\(e)") }
    }

    /// The detector and the stack at `path`, checking that the patterns have the detector's shape.
    func detectorAndStack(_ path: String, mapShape: (rows: Int, columns: Int)?) throws -> (Detector, PatternStack) {
        let det = try detector()
        return (det, try PatternStack.open(path, mapShape: mapShape, detector: det))
    }
}
