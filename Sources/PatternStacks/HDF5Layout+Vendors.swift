import EBSDHDF5
import Foundation
import EBSDCore

extension HDF5Layout {
    /// Oxford `.h5oina` (format 1–8): `<scan>/EBSD/Data/Processed Patterns` (uint8) or `Unprocessed Patterns`
    /// (int16; LZF-compressed in 5.0–7.0). Angles in the file are radians; PCs per point in Oxford's
    /// convention (fractions of the width, origin bottom-left); detector tilt = Detector Orientation Euler[1] − 90°.
    static func oxford(_ file: HDF5File, scan: String, unprocessed: Bool) throws -> HDF5PatternSource {
        let base = "\(scan)/EBSD", data = "\(base)/Data", header = "\(base)/Header"
        let names = unprocessed ? ["Unprocessed Patterns", "Processed Patterns"] : ["Processed Patterns", "Unprocessed Patterns"]
        guard let name = names.first(where: { file.isDataset("\(data)/\($0)") }) else {
            throw HDF5Error.missing(path: file.path, object: "\(data)/\(names[0])")
        }
        let columns = try count(file, "\(header)/X Cells"), rows = try count(file, "\(header)/Y Cells")
        var m = StackMetadata(vendor: HDF5Layout.oxford.rawValue, scan: scan)
        m.patternDataset = "\(data)/\(name)"
        m.pcConvention = "oxford"
        m.patternCenters = centres(file, "\(data)/Pattern Center X", "\(data)/Pattern Center Y", "\(data)/Detector Distance")
        let degrees = 180 / Double.pi
        m.sampleTiltDegrees = (try? file.double("\(header)/Tilt Angle")).map { $0 * degrees }
        if let e = try? file.doubles("\(header)/Detector Orientation Euler"), e.count == 3 {
            let detectorNormalTilt = 90.0
            m.detectorTiltDegrees = e[1] * degrees - detectorNormalTilt
        }
        let mode = (try? file.string("\(header)/Camera Mode")) ?? (try? file.string("\(header)/Camera Binning Mode"))
        m.binning = mode.flatMap { Int($0.prefix { $0.isNumber }) }.flatMap { (1...64).contains($0) ? $0 : nil }
        m.stepX = try? file.double("\(header)/X Step")
        m.stepY = try? file.double("\(header)/Y Step")
        m.voltageKV = try? file.double("\(header)/Beam Voltage")
        m.phaseNames = phaseNames(file, group: "\(header)/Phases", nameKey: "Phase Name")
        let bg = name.hasPrefix("Unprocessed") ? "Unprocessed Static Background" : "Processed Static Background"
        return try source(
            file, m, rows: rows, columns: columns, order: nil, background: "\(header)/\(bg)",
            height: "\(header)/Pattern Height", width: "\(header)/Pattern Width")
    }

    /// EDAX OIM `.h5`/`.oh5`: `<scan>/EBSD/Data/Pattern`; square grids only; PC (x*, y*, z*) in the TSL convention;
    /// sample tilt `Sample Tilt`, detector tilt `Camera Elevation Angle` (degrees).
    static func edax(_ file: HDF5File, scan: String) throws -> HDF5PatternSource {
        let data = "\(scan)/EBSD/Data", header = "\(scan)/EBSD/Header"
        if let grid = try? file.string("\(header)/Grid Type"), grid != "SqrGrid" {
            throw HDF5Error.malformed(
                path: file.path, object: "\(header)/Grid Type", message: "'\(grid)' grids are not supported (square grids only)")
        }
        guard file.isDataset("\(data)/Pattern") else {
            throw HDF5Error.malformed(
                path: file.path, object: "\(data)/Pattern", message: "this scan holds no patterns (OIM keeps them in .up1/.up2 then)")
        }
        let columns = try count(file, "\(header)/nColumns"), rows = try count(file, "\(header)/nRows")
        var m = StackMetadata(vendor: HDF5Layout.edax.rawValue, scan: scan)
        m.patternDataset = "\(data)/Pattern"
        m.pcConvention = "tsl"
        let pc = "\(header)/Pattern Center Calibration"
        m.patternCenters = centres(file, "\(pc)/x-star", "\(pc)/y-star", "\(pc)/z-star")
        m.sampleTiltDegrees = try? file.double("\(header)/Sample Tilt")
        m.detectorTiltDegrees = try? file.double("\(header)/Camera Elevation Angle")
        m.azimuthalDegrees = try? file.double("\(header)/Camera Azimuthal Angle")
        m.stepX = try? file.double("\(header)/Step X")
        m.stepY = try? file.double("\(header)/Step Y")
        m.phaseNames = phaseNames(file, group: "\(header)/Phase", nameKey: "MaterialName")
        return try source(
            file, m, rows: rows, columns: columns, order: nil, background: nil,
            height: "\(header)/Pattern Height", width: "\(header)/Pattern Width")
    }

    /// Bruker Esprit `.h5`: `<scan>/EBSD/Data/RawPatterns`, per-point PCs (`PCX`, `PCY`, `DD`: Bruker's own
    /// convention). Regions of interest: points carry their column/row in `SEM/IX`, `SEM/IY` (not in raster
    /// order); a rectangular region is read in raster order, a non-rectangular one is refused.
    static func bruker(_ file: HDF5File, scan: String) throws -> HDF5PatternSource {
        let data = "\(scan)/EBSD/Data", header = "\(scan)/EBSD/Header"
        if let grid = try? file.string("\(header)/Grid Type"), grid.lowercased() != "isometric" {
            throw HDF5Error.malformed(
                path: file.path, object: "\(header)/Grid Type", message: "'\(grid)' grids are not supported (isometric only)")
        }
        guard file.isDataset("\(data)/RawPatterns") else { throw HDF5Error.missing(path: file.path, object: "\(data)/RawPatterns") }
        let n = try file.info("\(data)/RawPatterns").shape.first ?? 0
        let (rows, columns, order) = try brukerGrid(file, scan: scan, points: n)
        var m = StackMetadata(vendor: HDF5Layout.bruker.rawValue, scan: scan)
        m.patternDataset = "\(data)/RawPatterns"
        m.pcConvention = "bruker"
        m.patternCenters = centres(file, "\(data)/PCX", "\(data)/PCY", "\(data)/DD", order: order)
        m.sampleTiltDegrees = try? file.double("\(header)/SampleTilt")
        m.detectorTiltDegrees = try? file.double("\(header)/CameraTilt")
        m.voltageKV = try? file.double("\(header)/KV")
        m.stepX = try? file.double("\(header)/XSTEP")
        m.stepY = try? file.double("\(header)/YSTEP")
        if let full = try? file.double("\(header)/DetectorFullHeightMicrons"),
            let px = try? file.double("\(header)/UnClippedPatternHeight"), px > 0
        {
            m.pixelSizeMicrons = full / px
        }
        m.phaseNames = phaseNames(file, group: "\(header)/Phases", nameKey: "Name")
        return try source(
            file, m, rows: rows, columns: columns, order: order, background: "\(header)/StaticBackground",
            height: "\(header)/PatternHeight", width: "\(header)/PatternWidth")
    }

    /// kikuchipy h5ebsd: `<scan>/EBSD/Data/patterns`, header in kikuchipy's names, PCs in the Bruker convention
    /// (scalar or one per map point).
    static func kikuchipy(_ file: HDF5File, scan: String) throws -> HDF5PatternSource {
        let data = "\(scan)/EBSD/Data", header = "\(scan)/EBSD/Header"
        guard file.isDataset("\(data)/patterns") else { throw HDF5Error.missing(path: file.path, object: "\(data)/patterns") }
        let columns = try count(file, "\(header)/n_columns"), rows = try count(file, "\(header)/n_rows")
        var m = StackMetadata(vendor: HDF5Layout.kikuchipy.rawValue, scan: scan)
        m.patternDataset = "\(data)/patterns"
        m.pcConvention = "bruker"
        m.patternCenters = centres(file, "\(header)/pcx", "\(header)/pcy", "\(header)/pcz")
        m.sampleTiltDegrees = try? file.double("\(header)/sample_tilt")
        m.detectorTiltDegrees = try? file.double("\(header)/elevation_angle")
        m.azimuthalDegrees = try? file.double("\(header)/azimuth_angle")
        m.binning = (try? file.double("\(header)/binning")).flatMap { Int(fileValue: $0) }.flatMap { (1...64).contains($0) ? $0 : nil }
        m.pixelSizeMicrons = try? file.double("\(header)/detector_pixel_size")
        m.stepX = try? file.double("\(header)/step_x")
        m.stepY = try? file.double("\(header)/step_y")
        m.voltageKV = try? file.double("\(scan)/SEM/Header/beam_energy")
        return try source(
            file, m, rows: rows, columns: columns, order: nil, background: "\(header)/static_background",
            height: "\(header)/pattern_height", width: "\(header)/pattern_width")
    }

    /// The pattern source of `m.patternDataset`, with the file's static background (dataset `background`, when it
    /// has the pattern's size), checked against the header's map size and pattern size (datasets `height`, `width`).
    static func source(
        _ file: HDF5File, _ metadata: StackMetadata, rows: Int, columns: Int, order: [Int]?, background bg: String?,
        height: String, width: String
    ) throws -> HDF5PatternSource {
        var m = metadata
        let shape = try file.info(m.patternDataset).shape
        let side = 1...HDF5PatternSource.maximumSide
        if let bg, shape.count == 3, side.contains(shape[1]), side.contains(shape[2]) {
            m.staticBackground = background(file, bg, size: shape[1] * shape[2])
        }
        let out = try HDF5PatternSource(file: file, dataset: m.patternDataset, mapShape: (rows, columns), order: order, metadata: m)
        try check(out, rows: rows, columns: columns, height: try? count(file, height), width: try? count(file, width))
        return out
    }
}
