import Foundation
import Crystallography
import CrystalMaps

/// A crystal map held for a C caller (`ebsd_map*`): made from arrays, read from a file or returned by a step; freed with
/// `ebsd_map_free`. Quaternions cross as (a, b, c, d) doubles, passive sample → crystal, P = +1 (as orix).
final class MapHandle {
    let map: CrystalMap
    init(_ map: CrystalMap) { self.map = map }

    static func from(_ pointer: UnsafeRawPointer?, _ argument: String = "map") throws -> CrystalMap {
        try HandleRegistry.shared.object(pointer, as: MapHandle.self, argument).map
    }

    /// Hands `map` to the caller through `out`.
    static func give(_ map: CrystalMap, _ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) throws {
        guard let out else { throw CABIArgumentError(argument: "out", problem: "a null pointer where the map is returned") }
        out.pointee = HandleRegistry.shared.register(MapHandle(map))
    }
}

/// Makes a map from arrays: `rows × columns` points of quaternions (n × 4 doubles) and phase indices (n int32, −1 not
/// indexed, else an index into `phases`, comma-separated names or .json phase files).
@_cdecl("ebsd_map_create")
public func ebsd_map_create(
    _ rows: Int64, _ columns: Int64, _ stepX: Double, _ stepY: Double, _ phases: UnsafePointer<CChar>?,
    _ quaternions: UnsafePointer<Double>?, _ phaseIndex: UnsafePointer<Int32>?,
    _ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        guard rows > 0, columns > 0, rows <= Int64(Int32.max), columns <= Int64(Int32.max) else {
            throw CABIArgumentError(argument: "shape", problem: "\(rows) × \(columns) (expected positive)")
        }
        guard stepX.isFinite, stepX > 0, stepY.isFinite, stepY > 0 else {
            throw CABIArgumentError(argument: "step", problem: "\(stepX), \(stepY) µm (expected positive)")
        }
        let list = try PhaseList.parse(try CABICall.string(phases, "phases"))
        guard let quaternions else { throw CABIArgumentError(argument: "quaternions", problem: "a null pointer") }
        guard let phaseIndex else { throw CABIArgumentError(argument: "phase_index", problem: "a null pointer") }
        let n = Int(rows * columns)
        var rotations = [Rotation](repeating: .identity, count: n)
        var index = [Int32](repeating: -1, count: n)
        for i in 0..<n {
            let p = phaseIndex[i]
            guard p >= -1, p < Int32(list.count) else {
                throw CABIArgumentError(argument: "phase_index", problem: "\(p) at point \(i) (expected −1 or 0…\(list.count - 1))")
            }
            index[i] = p
            let q = Quaternion(quaternions[4 * i], quaternions[4 * i + 1], quaternions[4 * i + 2], quaternions[4 * i + 3])
            let norm = (q.a * q.a + q.b * q.b + q.c * q.c + q.d * q.d).squareRoot()
            guard norm.isFinite, norm > 0.5 else {
                guard p < 0 else { throw CABIArgumentError(argument: "quaternions", problem: "point \(i) is not a unit quaternion") }
                continue
            }
            rotations[i] = Rotation(q)
        }
        let grid = MapGrid(rows: Int(rows), columns: Int(columns), stepX: stepX, stepY: stepY)
        let phasesOfMap = list.enumerated().map { MapPhase(id: $0.offset + 1, phase: $0.element) }
        try MapHandle.give(CrystalMap(grid: grid, phases: phasesOfMap, phaseIndex: index, rotations: rotations), out)
    }
}

/// Adds (or replaces) a float property of n values, e.g. "ci", "iq", "fit".
@_cdecl("ebsd_map_set_property")
public func ebsd_map_set_property(
    _ map: UnsafeMutableRawPointer?, _ name: UnsafePointer<CChar>?, _ values: UnsafePointer<Float>?,
    _ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        var m = try MapHandle.from(map)
        let key = try CABICall.string(name, "name")
        guard !key.isEmpty, !key.contains(where: { $0.isWhitespace || $0 == "," }) else {
            throw CABIArgumentError(argument: "name", problem: "'\(key)' (expected a name without spaces or commas)")
        }
        guard let values else { throw CABIArgumentError(argument: "values", problem: "a null pointer") }
        m.properties[key] = Array(UnsafeBufferPointer(start: values, count: m.count))
        try MapHandle.give(m, out)
    }
}

/// Reads a map file (.ang, .ctf, .cpr/.crc, .osc, orix/EDAX/Oxford/Bruker HDF5); `scan` may be null.
@_cdecl("ebsd_map_load")
public func ebsd_map_load(
    _ path: UnsafePointer<CChar>?, _ scan: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        let s = try CABICall.string(scan, "scan", orEmpty: true)
        try MapHandle.give(try MapFile.read(try CABICall.string(path, "path"), scan: s.isEmpty ? nil : s), out)
    }
}

/// Writes a map file (.ang, .ctf or .h5 in orix's layout, by the extension), through a temporary file.
@_cdecl("ebsd_map_save")
public func ebsd_map_save(
    _ map: UnsafeMutableRawPointer?, _ path: UnsafePointer<CChar>?, _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) { try MapFile.write(try MapHandle.from(map), to: try CABICall.string(path, "path")) }
}

/// Releases a map; null or unknown pointers are ignored.
@_cdecl("ebsd_map_free")
public func ebsd_map_free(_ map: UnsafeMutableRawPointer?) { HandleRegistry.shared.release(map) }

/// The map's grid and phase count; any output pointer may be null.
@_cdecl("ebsd_map_info")
public func ebsd_map_info(
    _ map: UnsafeMutableRawPointer?, _ rows: UnsafeMutablePointer<Int64>?, _ columns: UnsafeMutablePointer<Int64>?,
    _ stepX: UnsafeMutablePointer<Double>?, _ stepY: UnsafeMutablePointer<Double>?, _ phaseCount: UnsafeMutablePointer<Int32>?,
    _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        let m = try MapHandle.from(map)
        rows?.pointee = Int64(m.grid.rows)
        columns?.pointee = Int64(m.grid.columns)
        stepX?.pointee = m.grid.stepX
        stepY?.pointee = m.grid.stepY
        phaseCount?.pointee = Int32(m.phases.count)
    }
}

/// Phase `index` of the map: its name (into `name`, `nameCapacity` bytes) and space-group number (for a phase known only
/// by its Laue group, the first space group of that group).
@_cdecl("ebsd_map_phase")
public func ebsd_map_phase(
    _ map: UnsafeMutableRawPointer?, _ index: Int32, _ name: UnsafeMutablePointer<CChar>?, _ nameCapacity: Int64,
    _ spaceGroup: UnsafeMutablePointer<Int32>?, _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        let m = try MapHandle.from(map)
        guard index >= 0, Int(index) < m.phases.count else {
            throw CABIArgumentError(argument: "index", problem: "\(index) (the map has \(m.phases.count) phases)")
        }
        let p = m.phases[Int(index)].phase
        CABICall.write(p.name, into: name, nameCapacity)
        // a phase read from a file that states only its symmetry: the first space group of its Laue group
        let number =
            (1...230).contains(p.spaceGroupNumber)
            ? p.spaceGroupNumber : (1...230).first { SpaceGroup.laueGroup(forNumber: $0) == p.laueGroup } ?? 1
        spaceGroup?.pointee = Int32(number)
    }
}

/// Copies the quaternions (n × 4 doubles) and phase indices (n int32, −1 not indexed); either output may be null.
@_cdecl("ebsd_map_orientations")
public func ebsd_map_orientations(
    _ map: UnsafeMutableRawPointer?, _ quaternions: UnsafeMutablePointer<Double>?, _ phaseIndex: UnsafeMutablePointer<Int32>?,
    _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        let m = try MapHandle.from(map)
        for i in 0..<m.count {
            let q = m.rotations[i].q
            quaternions?[4 * i] = q.a
            quaternions?[4 * i + 1] = q.b
            quaternions?[4 * i + 2] = q.c
            quaternions?[4 * i + 3] = q.d
            phaseIndex?[i] = m.phaseIndex[i]
        }
    }
}

/// The map's property names, sorted, one per line, into `names` (`namesCapacity` bytes).
@_cdecl("ebsd_map_property_names")
public func ebsd_map_property_names(
    _ map: UnsafeMutableRawPointer?, _ names: UnsafeMutablePointer<CChar>?, _ namesCapacity: Int64,
    _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        let text = try MapHandle.from(map).properties.keys.sorted().joined(separator: "\n")
        guard Int64(text.utf8.count) < namesCapacity else {
            throw CABIArgumentError(argument: "names", problem: "\(namesCapacity) bytes; \(text.utf8.count + 1) are needed")
        }
        CABICall.write(text, into: names, namesCapacity)
    }
}

/// Copies property `name` (n floats).
@_cdecl("ebsd_map_property")
public func ebsd_map_property(
    _ map: UnsafeMutableRawPointer?, _ name: UnsafePointer<CChar>?, _ values: UnsafeMutablePointer<Float>?,
    _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        let m = try MapHandle.from(map)
        let key = try CABICall.string(name, "name")
        guard let v = m.properties[key] else {
            throw CABIArgumentError(argument: "name", problem: "the map has no property '\(key)' (it has \(m.properties.keys.sorted()))")
        }
        guard let values else { throw CABIArgumentError(argument: "values", problem: "a null pointer") }
        v.withUnsafeBufferPointer { values.update(from: $0.baseAddress!, count: v.count) }
    }
}
