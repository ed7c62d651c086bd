import ArgumentParser
import Foundation
import Crystallography
import DetectorGeometry
import PatternStacks

/// The detector options shared by every command that needs a detector, so
/// users learn them once.
struct GeometryOptions: ParsableArguments {
    @Option(help: "Pattern centre X,Y,Z in --convention.") var pc: String = "0.5,0.5,0.6"
    @Option(help: "PC convention: bruker, tsl, oxford, emsoft (v5), emsoft4.") var convention: String = "bruker"
    @Option(help: "Sample tilt in degrees.") var sampleTilt: Double = 70
    @Option(help: "Detector tilt in degrees.") var detectorTilt: Double = 0
    @Option(help: "Detector azimuthal angle in degrees.") var azimuthal: Double = 0
    @Option(help: "Detector (pattern) shape ROWSxCOLS.") var patternShape: String = "60x60"
    @Option(help: "Binning factor of the patterns (EMsoft PCs).") var binning: Int = 1
    @Option(help: "Unbinned detector pixel size in µm (EMsoft PCs).") var pixelSize: Double = 1

    func validate() throws { _ = try detector() }

    static func shape(_ s: String, name: String) throws -> (Int, Int) {
        let p = s.lowercased().split(separator: "x").compactMap { Int($0) }
        guard p.count == 2, p[0] > 0, p[1] > 0 else { throw ValidationError("\(name) must be ROWSxCOLS, e.g. 60x60 (got '\(s)')") }
        return (p[0], p[1])
    }

    func detector() throws -> Detector {
        let (r, c) = try GeometryOptions.shape(patternShape, name: "--pattern-shape")
        let v = pc.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 3 else { throw ValidationError("--pc must be three numbers X,Y,Z (got '\(pc)')") }
        guard let conv = PCConvention(name: convention) else { throw ValidationError("--convention must be bruker, tsl, oxford, emsoft or emsoft4 (got '\(convention)')") }
        let d = Detector(rows: r, columns: c, pc: PatternCenter(v[0], v[1], v[2]), convention: conv, binning: binning, pixelSize: pixelSize,
                         sampleTilt: sampleTilt, tilt: detectorTilt, azimuthal: azimuthal)
        guard d.pc().z > 0 else { throw ValidationError("the pattern centre must have a positive detector distance (PCz)") }
        return d
    }
}

extension GeometryOptions {
    /// The detector and the stack at `path`, checking that the patterns have the detector's shape.
    func detectorAndStack(_ path: String, mapShape: (rows: Int, columns: Int)?) throws -> (Detector, PatternStack) {
        let det = try detector()
        let s = try PatternStack.open(path, mapShape: mapShape)
        guard s.patternRows == det.rows, s.patternColumns == det.columns else {
            throw ValidationError("\(path): patterns are \(s.patternRows)x\(s.patternColumns) px but --pattern-shape is \(det.rows)x\(det.columns)")
        }
        return (det, s)
    }
}
