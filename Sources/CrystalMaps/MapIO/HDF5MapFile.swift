import EBSDHDF5
import Foundation
import EBSDCore
import Crystallography

/// Crystal maps in the instrument HDF5 layouts (``EBSDHDF5/HDF5Layout``) and orix's HDF5 crystal-map
/// file, read into a ``CrystalMap``; and orix's layout written, so that `orix.io.load` opens our maps.
///
/// Frames and units, per vendor (orientations are kept in the frame the file states, as for .ang/.ctf):
/// - Oxford `.h5oina`: `Euler` in radians, referred to the acquisition surface frame (CS0 → CS1, as .ctf);
///   `Phase` 0 = not indexed, k = `Header/Phases/k`; MAD stored in radians, given here in degrees.
/// - EDAX `.h5`/`.oh5`: `Phi1`, `Phi`, `Phi2` in radians in the TSL frame (as .ang); not indexed when CI = −1
///   or the phase id is not in the header (a single-phase file may write 0).
/// - Bruker `.h5`: `phi1`, `PHI`, `phi2` in **degrees**; `Phase` 0 = not indexed; regions of interest put in
///   raster order.
/// - kikuchipy h5ebsd `Scan n/EBSD/CrystalMap` and orix files: orix's crystal map (radians, `phase_id` −1 =
///   not indexed, `is_in_data`).
public enum HDF5MapFile {
    static let degrees = 180 / Double.pi

    /// Reads the map of `scan` (default: the first) in `path`.
    public static func read(_ path: String, scan: String? = nil) throws(MapFileError) -> CrystalMap {
        do {
            let file = try HDF5File(path)
            guard let layout = HDF5Layout.detect(file) else {
                throw MapFileError.unsupported(
                    path: path, message: "an HDF5 file, but not an Oxford, EDAX, Bruker, kikuchipy or orix layout")
            }
            let all = layout.scans(file)
            guard let chosen = scan ?? all.first else {
                throw MapFileError.malformed(path: path, line: nil, message: "no scan with EBSD data")
            }
            guard all.contains(chosen) else {
                throw MapFileError.malformed(path: path, line: nil, message: "no scan '\(chosen)' (scans: \(all.joined(separator: ", ")))")
            }
            switch layout {
            case .oxford: return try oxford(file, scan: chosen)
            case .edax: return try edax(file, scan: chosen)
            case .bruker: return try bruker(file, scan: chosen)
            case .kikuchipy:
                guard file.isGroup("\(chosen)/EBSD/CrystalMap/crystal_map") else {
                    throw MapFileError.malformed(
                        path: path, line: nil, message: "'\(chosen)/EBSD/CrystalMap' is missing: this scan holds no map")
                }
                return try orix(file, group: "\(chosen)/EBSD/CrystalMap/crystal_map")
            case .orix: return try orix(file, group: "crystal_map")
            }
        } catch let e as MapFileError {
            throw e
        } catch {
            throw .malformed(path: path, line: nil, message: "\(error)")
        }
    }

    /// A dataset of exactly `n` numbers.
    static func column(_ file: HDF5File, _ object: String, _ n: Int) throws -> [Double] {
        let v = try file.doubles(object)
        guard v.count == n else {
            throw HDF5Error.malformed(path: file.path, object: object, message: "expected \(n) values, found \(v.count)")
        }
        return v
    }

    static func optionalColumn(_ file: HDF5File, _ object: String, _ n: Int) -> [Float]? {
        guard let v = try? file.doubles(object), v.count == n else { return nil }
        return v.map { Float($0) }
    }

    static func grid(_ file: HDF5File, rows: String, columns: String, stepX: String, stepY: String) throws -> MapGrid {
        let r = try file.double(rows), c = try file.double(columns)
        guard r >= 1, c >= 1, r * c <= Double(1 << 31) else {
            throw HDF5Error.malformed(path: file.path, object: rows, message: "map of \(r) × \(c) points is not plausible")
        }
        return MapGrid(
            rows: Int(fileValue: r) ?? 1, columns: Int(fileValue: c) ?? 1, stepX: (try? file.double(stepX)) ?? 1,
            stepY: (try? file.double(stepY)) ?? 1)
    }

    /// A phase the file indexes points with but does not describe: no symmetry is assumed (triclinic).
    static func unknownPhase(_ id: Int) -> Phase {
        Phase(name: "phase \(id) (not described in the file)", spaceGroupNumber: 0, lattice: .cubic(1), laueGroup: .triclinic)
    }

    /// A phase from a name, a Laue group and lattice parameters (nm, radians).
    static func phase(_ name: String, laue: LaueGroup?, spaceGroup: Int, lattice: [Double]?) -> Phase {
        let lat = lattice.flatMap { $0.count == 6 ? Lattice(a: $0[0], b: $0[1], c: $0[2], alpha: $0[3], beta: $0[4], gamma: $0[5]) : nil }
        return Phase(
            name: name, spaceGroupNumber: spaceGroup, lattice: lat ?? .cubic(1),
            laueGroup: laue ?? SpaceGroup.laueGroup(forNumber: spaceGroup))
    }

    static func oxford(_ file: HDF5File, scan: String) throws -> CrystalMap {
        let data = "\(scan)/EBSD/Data", header = "\(scan)/EBSD/Header"
        let g = try grid(
            file, rows: "\(header)/Y Cells", columns: "\(header)/X Cells", stepX: "\(header)/X Step", stepY: "\(header)/Y Step")
        let n = g.count
        let euler = try column(file, "\(data)/Euler", 3 * n), ids = try column(file, "\(data)/Phase", n)
        var phases: [MapPhase] = []
        let group = "\(header)/Phases"
        for k in file.members(group).compactMap({ Int($0) }).sorted() {
            let p = "\(group)/\(k)"
            let name = (try? file.string("\(p)/Phase Name")) ?? "phase \(k)"
            let laue = file.attribute("Symbol", of: "\(p)/Laue Group").flatMap { LaueGroup(symbol: $0) }
            let sg = (try? file.double("\(p)/Space Group")).flatMap { Int(fileValue: $0) } ?? 0
            var lattice: [Double]?
            if let d = try? file.doubles("\(p)/Lattice Dimensions"), let a = try? file.doubles("\(p)/Lattice Angles"), d.count == 3,
                a.count == 3
            {
                let angstromToNm = 0.1
                lattice = d.map { $0 * angstromToNm } + a
            }
            phases.append(MapPhase(id: k, phase: phase(name, laue: laue, spaceGroup: sg, lattice: lattice)))
        }
        for k in Set(ids.filter { $0.isFinite && $0 >= 1 && $0 < 256 }.compactMap { Int(fileValue: $0) }).sorted()
        where !phases.contains(where: { $0.id == k }) {
            phases.append(MapPhase(id: k, phase: unknownPhase(k)))
        }
        let index = Dictionary(uniqueKeysWithValues: phases.enumerated().map { ($0.element.id, Int32($0.offset)) })
        var phaseIndex = [Int32](repeating: -1, count: n), rotations = [Rotation](repeating: .identity, count: n)
        for i in 0..<n {
            rotations[i] = Rotation(euler: EulerAngles(euler[3 * i], euler[3 * i + 1], euler[3 * i + 2]))
            if let id = Int(fileValue: ids[i]), let p = index[id] { phaseIndex[i] = p }
        }
        var props: [String: [Float]] = [:]
        props[MapProperty.bandContrast] = optionalColumn(file, "\(data)/Band Contrast", n)
        props[MapProperty.bandSlope] = optionalColumn(file, "\(data)/Band Slope", n)
        props[MapProperty.bands] = optionalColumn(file, "\(data)/Bands", n)
        props[MapProperty.error] = optionalColumn(file, "\(data)/Error", n)
        props[MapProperty.meanAngularDeviation] = optionalColumn(file, "\(data)/Mean Angular Deviation", n)?.map { $0 * Float(degrees) }
        props[MapProperty.patternCenterX] = optionalColumn(file, "\(data)/Pattern Center X", n)
        props[MapProperty.patternCenterY] = optionalColumn(file, "\(data)/Pattern Center Y", n)
        props[MapProperty.patternCenterZ] = optionalColumn(file, "\(data)/Detector Distance", n)
        var meta = ["format": "h5oina", "scan": scan, "frame": "Oxford CS0 (acquisition surface), as .ctf"]
        if props[MapProperty.patternCenterX] != nil { meta["pattern_center_convention"] = "oxford" }
        meta["format_version"] = try? file.string("Format Version")
        return CrystalMap(grid: g, phases: phases, phaseIndex: phaseIndex, rotations: rotations, properties: props, metadata: meta)
    }

    static func edax(_ file: HDF5File, scan: String) throws -> CrystalMap {
        let data = "\(scan)/EBSD/Data", header = "\(scan)/EBSD/Header"
        if let gt = try? file.string("\(header)/Grid Type"), gt != "SqrGrid" {
            throw HDF5Error.malformed(
                path: file.path, object: "\(header)/Grid Type", message: "'\(gt)' grids are not supported (square grids only)")
        }
        let g = try grid(file, rows: "\(header)/nRows", columns: "\(header)/nColumns", stepX: "\(header)/Step X", stepY: "\(header)/Step Y")
        let n = g.count
        let p1 = try column(file, "\(data)/Phi1", n), p = try column(file, "\(data)/Phi", n), p2 = try column(file, "\(data)/Phi2", n)
        let ids = try column(file, "\(data)/Phase", n)
        let ci = optionalColumn(file, "\(data)/CI", n)
        var phases: [MapPhase] = []
        let group = "\(header)/Phase"
        for k in file.members(group).compactMap({ Int($0) }).sorted() {
            let q = "\(group)/\(k)"
            let name = (try? file.string("\(q)/MaterialName")) ?? "phase \(k)"
            let laue = (try? file.double("\(q)/Symmetry")).flatMap { Int(fileValue: $0) }.flatMap { LaueGroup(tslSymmetryCode: $0) }
            let keys = ["a", "b", "c", "alpha", "beta", "gamma"].map { "\(q)/Lattice Constant \($0)" }
            let v = keys.compactMap { try? file.double($0) }
            let lattice = v.count == 6 ? Lattice.angstromDegrees(v[0], v[1], v[2], v[3], v[4], v[5]) : nil
            let ph = Phase(name: name, spaceGroupNumber: 0, lattice: lattice ?? .cubic(1), laueGroup: laue ?? .cubicHigh)
            phases.append(MapPhase(id: k, phase: ph))
        }
        var index = Dictionary(uniqueKeysWithValues: phases.enumerated().map { ($0.element.id, Int32($0.offset)) })
        if phases.count == 1 { index[0] = 0 }  // a single-phase file may write 0 for its only phase
        var phaseIndex = [Int32](repeating: -1, count: n), rotations = [Rotation](repeating: .identity, count: n)
        for i in 0..<n {
            rotations[i] = Rotation(euler: EulerAngles(p1[i], p[i], p2[i]))
            let notIndexed = ci.map { $0[i] == -1 } ?? false
            if !notIndexed, let id = Int(fileValue: ids[i]), let q = index[id] { phaseIndex[i] = q }
        }
        var props: [String: [Float]] = [:]
        props[MapProperty.confidenceIndex] = ci
        props[MapProperty.imageQuality] = optionalColumn(file, "\(data)/IQ", n)
        props[MapProperty.fit] = optionalColumn(file, "\(data)/Fit", n)
        props[MapProperty.detectorSignal] = optionalColumn(file, "\(data)/SEM Signal", n)
        let meta = [
            "format": "EDAX h5", "scan": scan, "frame": "TSL (as .ang); ebsd convert --frame tsl-to-map turns it into the map frame",
        ]
        return CrystalMap(grid: g, phases: phases, phaseIndex: phaseIndex, rotations: rotations, properties: props, metadata: meta)
    }

    static func bruker(_ file: HDF5File, scan: String) throws -> CrystalMap {
        let data = "\(scan)/EBSD/Data", header = "\(scan)/EBSD/Header"
        let n = try file.info("\(data)/phi1").count
        let (rows, columns, order) = try HDF5Layout.brukerGrid(file, scan: scan, points: n)
        let g = MapGrid(
            rows: rows, columns: columns, stepX: (try? file.double("\(header)/XSTEP")) ?? 1,
            stepY: (try? file.double("\(header)/YSTEP")) ?? 1)
        guard g.count == n else {
            throw HDF5Error.malformed(path: file.path, object: "\(data)/phi1", message: "\(n) points for a map of \(rows) × \(columns)")
        }
        func raster<T>(_ v: [T]) -> [T] { order.map { o in o.map { v[$0] } } ?? v }
        let p1 = raster(try column(file, "\(data)/phi1", n)), p = raster(try column(file, "\(data)/PHI", n))
        let p2 = raster(try column(file, "\(data)/phi2", n)), ids = raster(try column(file, "\(data)/Phase", n))
        var phases: [MapPhase] = []
        let group = "\(header)/Phases"
        for k in file.members(group).compactMap({ Int($0) }).sorted() {
            let q = "\(group)/\(k)"
            let name = (try? file.string("\(q)/Name")) ?? "phase \(k)"
            let sg = (try? file.double("\(q)/IT")).flatMap { Int(fileValue: $0) } ?? 0
            let v = (try? file.doubles("\(q)/LatticeConstants")) ?? []
            let lattice = v.count == 6 ? Lattice.angstromDegrees(v[0], v[1], v[2], v[3], v[4], v[5]) : nil
            phases.append(MapPhase(id: k, phase: Phase(name: name, spaceGroupNumber: sg, lattice: lattice ?? .cubic(1))))
        }
        let index = Dictionary(uniqueKeysWithValues: phases.enumerated().map { ($0.element.id, Int32($0.offset)) })
        var phaseIndex = [Int32](repeating: -1, count: n), rotations = [Rotation](repeating: .identity, count: n)
        let radians = Double.pi / 180
        for i in 0..<n {
            rotations[i] = Rotation(euler: EulerAngles(p1[i] * radians, p[i] * radians, p2[i] * radians))
            if let id = Int(fileValue: ids[i]), let q = index[id] { phaseIndex[i] = q }
        }
        var props: [String: [Float]] = [:]
        props[MapProperty.meanAngularDeviation] = optionalColumn(file, "\(data)/MAD", n).map(raster)
        props[MapProperty.bands] = optionalColumn(file, "\(data)/NIndexedBands", n).map(raster)
        props[MapProperty.patternCenterX] = optionalColumn(file, "\(data)/PCX", n).map(raster)
        props[MapProperty.patternCenterY] = optionalColumn(file, "\(data)/PCY", n).map(raster)
        props[MapProperty.patternCenterZ] = optionalColumn(file, "\(data)/DD", n).map(raster)
        var meta = ["format": "Bruker h5", "scan": scan, "frame": "Bruker sample frame (Euler angles in degrees in the file)"]
        if props[MapProperty.patternCenterX] != nil { meta["pattern_center_convention"] = "bruker" }
        return CrystalMap(grid: g, phases: phases, phaseIndex: phaseIndex, rotations: rotations, properties: props, metadata: meta)
    }

    /// orix's crystal map group (`data`, `header`), in an orix file or a kikuchipy h5ebsd scan.
    static func orix(_ file: HDF5File, group: String) throws -> CrystalMap {
        let data = "\(group)/data", header = "\(group)/header"
        // orix keeps one x and y per point; the grid is their distinct values (its header's nx, ny count points).
        let n = try file.doubles("\(data)/phi1").count
        let dx = (try? file.double("\(header)/x_step")) ?? 1, dy = (try? file.double("\(header)/y_step")) ?? 1
        let xs = (try? file.doubles("\(data)/x")).flatMap { $0.count == n ? $0 : nil } ?? [Double](repeating: 0, count: n)
        let ys = (try? file.doubles("\(data)/y")).flatMap { $0.count == n ? $0 : nil } ?? [Double](repeating: 0, count: n)
        // cell indices from coordinates; a coordinate that is not finite or lies beyond n steps is refused
        func cells(_ v: [Double], _ step: Double, _ name: String) throws -> [Int] {
            let v0 = v.min() ?? 0, s = step.isFinite && step > 0 ? step : 1
            return try v.map {
                let c = (($0 - v0) / s).rounded()
                guard c.isFinite, c >= 0, c < Double(n) else {
                    throw HDF5Error.malformed(path: file.path, object: "\(data)/\(name)", message: "coordinate \($0) is off the grid")
                }
                return Int(c)
            }
        }
        let col = try cells(xs, dx, "x"), row = try cells(ys, dy, "y")
        let rows = (row.max() ?? 0) + 1, columns = (col.max() ?? 0) + 1
        guard n >= 1, rows.multipliedReportingOverflow(by: columns) == (n, false), Set(zip(row, col).map { $0 * columns + $1 }).count == n
        else {
            throw HDF5Error.malformed(
                path: file.path, object: "\(data)/x", message: "the \(n) points do not fill a \(rows) × \(columns) grid")
        }
        let g = MapGrid(rows: rows, columns: columns, stepX: dx, stepY: dy, originX: xs.min() ?? 0, originY: ys.min() ?? 0)
        let place = (0..<n).map { row[$0] * columns + col[$0] }
        func grid<T>(_ v: [T]) -> [T] {
            var out = v
            for k in 0..<n { out[place[k]] = v[k] }
            return out
        }
        let p1 = grid(try column(file, "\(data)/phi1", n)), p = grid(try column(file, "\(data)/Phi", n))
        let p2 = grid(try column(file, "\(data)/phi2", n)), ids = grid(try column(file, "\(data)/phase_id", n))
        let inData = (try? file.doubles("\(data)/is_in_data")).flatMap { $0.count == n ? grid($0) : nil }
        var phases: [MapPhase] = []
        let pg = "\(header)/phases"
        for k in file.members(pg).compactMap({ Int($0) }).sorted() where k >= 0 {
            let q = "\(pg)/\(k)"
            let name = (try? file.string("\(q)/name")) ?? "phase \(k)"
            let laue = (try? file.string("\(q)/point_group")).flatMap { LaueGroup(symbol: $0) }
            let sg = (try? file.string("\(q)/space_group")).flatMap { Double($0) }.flatMap { Int(fileValue: $0) } ?? 0
            let v = (try? file.doubles("\(q)/structure/lattice/abcABG")) ?? []
            let lattice = v.count == 6 ? Lattice.angstromDegrees(v[0], v[1], v[2], v[3], v[4], v[5]) : nil
            phases.append(MapPhase(id: k, phase: Phase(name: name, spaceGroupNumber: sg, lattice: lattice ?? .cubic(1), laueGroup: laue)))
        }
        let index = Dictionary(uniqueKeysWithValues: phases.enumerated().map { ($0.element.id, Int32($0.offset)) })
        var phaseIndex = [Int32](repeating: -1, count: n), rotations = [Rotation](repeating: .identity, count: n)
        for i in 0..<n {
            rotations[i] = Rotation(euler: EulerAngles(p1[i], p[i], p2[i]))
            let present = inData.map { $0[i] != 0 } ?? true
            if present, let id = Int(fileValue: ids[i]), let q = index[id] { phaseIndex[i] = q }
        }
        var props: [String: [Float]] = [:]
        props[MapProperty.score] = optionalColumn(file, "\(data)/scores", n).map(grid)
        // every other dataset of one value per point is a property (orix writes its properties there)
        let geometry: Set = ["phi1", "Phi", "phi2", "phase_id", "id", "is_in_data", "x", "y", "z"]
        for name in file.members(data) where props[name] == nil && !geometry.contains(name) {
            props[name] = optionalColumn(file, "\(data)/\(name)", n).map(grid)
        }
        let meta = ["format": "orix HDF5 crystal map", "frame": "as stored (orix keeps the file's frame)"]
        return CrystalMap(grid: g, phases: phases, phaseIndex: phaseIndex, rotations: rotations, properties: props, metadata: meta)
    }

    /// Writes `map` as orix's HDF5 crystal-map file (`manufacturer` "orix", `crystal_map/{data,header}`): Euler
    /// angles in radians (passive, Bunge, the map's own frame), `phase_id` −1 for points not indexed,
    /// coordinates in µm, `score`/`ci` as properties, lattices in Å and degrees. Through a temporary file and a
    /// rename; `orix.io.load` reads it.
    public static func write(_ map: CrystalMap, to path: String) throws(MapFileError) {
        if let p = AtomicFile.problemBefore(writing: path) { throw .writeFailed(path: path, reason: p) }
        let image: Data
        do {
            // built in memory, then written as bytes through AtomicFile: libhdf5 never meets a full or read-only disk
            let f = try HDF5File.createInMemory(name: path)
            let n = map.count, g = map.grid
            let orixVersionWritten = "0.13.0"
            try f.write("orix", to: "manufacturer")
            try f.write(orixVersionWritten, to: "version")
            let data = "crystal_map/data", header = "crystal_map/header"
            let eu = map.rotations.map { $0.euler }
            try f.write(eu.map(\.phi1), shape: [n], as: .float64, to: "\(data)/phi1")
            try f.write(eu.map(\.Phi), shape: [n], as: .float64, to: "\(data)/Phi")
            try f.write(eu.map(\.phi2), shape: [n], as: .float64, to: "\(data)/phi2")
            let ids = map.phaseIndex.map { $0 < 0 ? -1.0 : Double(map.phases[Int($0)].id) }
            try f.write(ids, shape: [n], as: .int32, to: "\(data)/phase_id")
            try f.write((0..<n).map(Double.init), shape: [n], as: .int32, to: "\(data)/id")
            try f.write([Bool](repeating: true, count: n), to: "\(data)/is_in_data")
            try f.write((0..<n).map { g.x(column: $0 % g.columns) }, shape: [n], as: .float64, to: "\(data)/x")
            try f.write((0..<n).map { g.y(row: $0 / g.columns) }, shape: [n], as: .float64, to: "\(data)/y")
            try f.write([0], shape: [], as: .float64, to: "\(data)/z")
            for (name, values) in map.properties.sorted(by: { $0.key < $1.key }) where values.count == n {
                try f.write(values.map(Double.init), shape: [n], as: .float32, to: "\(data)/\(name)")
            }
            try f.write("square", to: "\(header)/grid_type")
            try f.write([1], shape: [], as: .int32, to: "\(header)/nz")
            // orix writes the number of x and y values, one per point
            try f.write([Double(n)], shape: [], as: .int32, to: "\(header)/ny")
            try f.write([Double(n)], shape: [], as: .int32, to: "\(header)/nx")
            try f.write([0], shape: [], as: .float64, to: "\(header)/z_step")
            try f.write([g.stepY], shape: [], as: .float64, to: "\(header)/y_step")
            try f.write([g.stepX], shape: [], as: .float64, to: "\(header)/x_step")
            try f.write([1], shape: [], as: .int32, to: "\(header)/rotations_per_point")
            try f.write("um", to: "\(header)/scan_unit")
            let colours = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:gray"]
            for (k, mp) in map.phases.enumerated() {
                let q = "\(header)/phases/\(mp.id)", ph = mp.phase, l = ph.lattice
                try f.write(ph.name, to: "\(q)/name")
                try f.write(ph.spaceGroupNumber > 0 ? String(ph.spaceGroupNumber) : "None", to: "\(q)/space_group")
                try f.write(ph.laueGroup.rawValue, to: "\(q)/point_group")
                try f.write(colours[k % colours.count], to: "\(q)/color")
                let nmToAngstrom = 10.0
                let abc = [
                    l.a * nmToAngstrom, l.b * nmToAngstrom, l.c * nmToAngstrom, l.alpha * degrees, l.beta * degrees, l.gamma * degrees,
                ]
                try f.write(abc, shape: [6], as: .float64, to: "\(q)/structure/lattice/abcABG")
                try f.write([1, 0, 0, 0, 1, 0, 0, 0, 1], shape: [3, 3], as: .float64, to: "\(q)/structure/lattice/baserot")
                try f.createGroup("\(q)/structure/atoms")
            }
            image = try f.image()
        } catch {
            throw .writeFailed(path: path, reason: "\(error)")
        }
        try writeAtomically(image, to: path)
    }
}
