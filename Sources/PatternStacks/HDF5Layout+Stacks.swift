import EBSDHDF5
import Foundation

extension HDF5Layout {
    /// Opens the pattern stack of `scan` (default: the first) in `path`; for Oxford files,
    /// `unprocessed` reads `Unprocessed Patterns` instead of `Processed Patterns`.
    public static func openStack(
        _ path: String, scan: String? = nil, unprocessed: Bool = false
    ) throws(PatternStackError) -> HDF5PatternSource {
        let file: HDF5File
        do { file = try HDF5File(path) } catch {
            if case .cannotOpen(_, let reason) = error { throw .cannotOpen(path: path, reason: reason) }
            throw .cannotOpen(path: path, reason: error.detail)
        }
        guard let layout = detect(file) else {
            throw .cannotOpen(path: path, reason: "an HDF5 file, but not an Oxford .h5oina, EDAX, Bruker or kikuchipy h5ebsd layout")
        }
        let all = layout.scans(file)
        guard let chosen = scan ?? all.first else { throw .malformed(path: path, pattern: nil, message: "no scan group with EBSD data") }
        guard all.contains(chosen) else {
            throw .malformed(path: path, pattern: nil, message: "no scan '\(chosen)' (scans: \(all.joined(separator: ", ")))")
        }
        do {
            switch layout {
            case .oxford: return try oxford(file, scan: chosen, unprocessed: unprocessed)
            case .edax: return try edax(file, scan: chosen)
            case .bruker: return try bruker(file, scan: chosen)
            case .kikuchipy: return try kikuchipy(file, scan: chosen)
            case .orix: throw PatternStackError.cannotOpen(path: path, reason: "an orix crystal-map file holds no patterns")
            }
        } catch let e as PatternStackError {
            throw e
        } catch {
            throw .malformed(path: path, pattern: nil, message: "\(error)")
        }
    }

    /// An integer value that must be positive and plausible, naming its dataset otherwise.
    static func count(_ file: HDF5File, _ object: String) throws -> Int {
        let v = try file.double(object)
        guard v.isFinite, v >= 1, v <= Double(1 << 24) else {
            throw HDF5Error.malformed(path: file.path, object: object, message: "expected a positive count, found \(v)")
        }
        return Int(v)
    }

    /// Map shape × pattern count and pattern shape checked against the header.
    static func check(_ source: HDF5PatternSource, rows: Int, columns: Int, height: Int?, width: Int?) throws {
        let p = source.path
        guard rows * columns == source.count else {
            throw PatternStackError.shapeMismatch(
                path: p,
                message: "the header's map of \(rows) × \(columns) points needs \(rows * columns) "
                    + "patterns, but '\(source.dataset)' holds \(source.count)")
        }
        if let h = height, let w = width, h != source.patternRows || w != source.patternColumns {
            throw PatternStackError.shapeMismatch(
                path: p,
                message: "the header's pattern size \(w)x\(h) (width x height) disagrees with "
                    + "'\(source.dataset)' (\(source.patternColumns)x\(source.patternRows))")
        }
    }

    /// Per-point or single pattern centres from three datasets (or scalars).
    static func centres(_ file: HDF5File, _ x: String, _ y: String, _ z: String, order: [Int]? = nil) -> [SIMD3<Double>] {
        guard let xs = try? file.doubles(x), let ys = try? file.doubles(y), let zs = try? file.doubles(z),
            xs.count == ys.count, ys.count == zs.count, !xs.isEmpty
        else { return [] }
        let all = (0..<xs.count).map { SIMD3(xs[$0], ys[$0], zs[$0]) }
        guard let order, all.count > 1 else { return all }
        return order.map { $0 < all.count ? all[$0] : all[0] }
    }

    /// Phase names from `group/<k>/<nameKey>` in numeric order of k.
    static func phaseNames(_ file: HDF5File, group: String, nameKey: String) -> [String] {
        file.members(group).sorted { (Int($0) ?? .max) < (Int($1) ?? .max) }.compactMap { try? file.string("\(group)/\($0)/\(nameKey)") }
    }

    /// The file's static background when it has the pattern's size.
    static func background(_ file: HDF5File, _ object: String, size: Int) -> [Float]? {
        guard let v = try? file.doubles(object), v.count == size else { return nil }
        return v.map { Float($0) }
    }
}
