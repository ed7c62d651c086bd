import Foundation
import Crystallography
import CrystalMaps
import EBSDPipeline
import Figures
import Grains
import Texture

/// Grain analysis of a map with the `grains` step's keys (`hagb`, `lagb`, `min_size`, `connectivity`; JSON/YAML flow
/// text, may be null for the defaults): the table of `grains.csv` (the same columns) into `csv` (free with `ebsd_free`).
@_cdecl("ebsd_grains")
public func ebsd_grains(
    _ map: UnsafeMutableRawPointer?, _ options: UnsafePointer<CChar>?, _ csv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    csv?.pointee = nil
    return CABICall.run(message, capacity) {
        let m = try MapHandle.from(map)
        guard let csv else { throw CABIArgumentError(argument: "csv", problem: "a null pointer where the table is returned") }
        let keys = try CABICall.string(options, "options", orEmpty: true)
        let recipe = try PipelineRecipe.parse(
            "inputs: {phases: [Na]}\nsteps: [{grains: \(keys.isEmpty ? "{}" : keys)}]\n", path: "options")
        guard case .grains(let step) = recipe.steps[0] else { throw CABIArgumentError(argument: "options", problem: "not grains keys") }
        csv.pointee = CABICall.allocated(try GrainAnalysis(m, parameters: step.parameters).csv)
    }
}

/// The IPF colour of every point for sample direction (x, y, z) as the library's maps draw it (n × 3 bytes, RGB;
/// `unindexed` grey level where a point is not indexed).
@_cdecl("ebsd_ipf_colors")
public func ebsd_ipf_colors(
    _ map: UnsafeMutableRawPointer?, _ x: Double, _ y: Double, _ z: Double, _ unindexed: UInt8, _ rgb: UnsafeMutablePointer<UInt8>?,
    _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        let m = try MapHandle.from(map)
        let norm = (x * x + y * y + z * z).squareRoot()
        guard norm.isFinite, norm > 0 else {
            throw CABIArgumentError(argument: "direction", problem: "(\(x), \(y), \(z)) is not a direction")
        }
        guard let rgb else { throw CABIArgumentError(argument: "rgb", problem: "a null pointer") }
        let colors = MapRenderer.colors(m, .ipf(Vector3(x / norm, y / norm, z / norm)), unindexed: (unindexed, unindexed, unindexed))
        for (i, c) in colors.enumerated() {
            rgb[3 * i] = c.0
            rgb[3 * i + 1] = c.1
            rgb[3 * i + 2] = c.2
        }
    }
}

/// Pole figures of the map's phase `phase` for the plane families `hkl` ("100;110;111"), drawn as the pipeline draws them
/// (equal area, 5° Gaussian kernel, contoured) into the PNG `path`.
@_cdecl("ebsd_pole_figure")
public func ebsd_pole_figure(
    _ map: UnsafeMutableRawPointer?, _ phase: Int32, _ hkl: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?,
    _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        let m = try MapHandle.from(map)
        guard phase >= 0, Int(phase) < m.phases.count else {
            throw CABIArgumentError(argument: "phase", problem: "\(phase) (the map has \(m.phases.count) phases)")
        }
        let families = try CABICall.string(hkl, "hkl").split(separator: ";").map { f -> (Int, Int, Int) in
            let digits = f.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let v = digits.count == 3 ? digits : f.trimmingCharacters(in: .whitespaces).compactMap { $0.wholeNumberValue }
            guard v.count == 3, v != [0, 0, 0] else {
                throw CABIArgumentError(argument: "hkl", problem: "'\(f)' (expected three indices, e.g. 111 or 1,1,1)")
            }
            return (v[0], v[1], v[2])
        }
        guard !families.isEmpty else { throw CABIArgumentError(argument: "hkl", problem: "no plane family given") }
        guard let plot = PoleFigurePlot.contoured(m, phase: Int(phase), families: families) else {
            throw CABIArgumentError(argument: "phase", problem: "no point of phase \(phase) is indexed")
        }
        try plot.write(to: try CABICall.string(path, "path"), widthMM: PoleFigurePlot.standardWidthMM)
    }
}
