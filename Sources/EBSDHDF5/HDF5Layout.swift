import Foundation
import EBSDCore

/// The instrument HDF5 layouts whose patterns the library reads (`../shared/HDF5-LAYOUTS.md`
/// summarises them): Oxford `.h5oina`, EDAX OIM `.h5`/`.oh5`, Bruker Esprit `.h5` and kikuchipy
/// h5ebsd. Each is recognised by its root datasets, not by the file name.
public enum HDF5Layout: String, Sendable, CaseIterable {
    case oxford = "Oxford Instruments"
    case edax = "EDAX"
    case bruker = "Bruker Nano"
    case kikuchipy = "kikuchipy"
    /// orix's own HDF5 crystal-map file (maps only).
    case orix = "orix"

    /// The layout of `file`, or nil.
    public static func detect(_ file: HDF5File) -> HDF5Layout? {
        func text(_ p: String) -> String? { try? file.string(p) }
        if file.exists("Format Version") || text("Manufacturer")?.hasPrefix("Oxford") == true { return .oxford }
        if text(" Manufacturer")?.hasPrefix("EDAX") == true || text("Manufacturer")?.hasPrefix("EDAX") == true { return .edax }
        if text("Manufacturer")?.hasPrefix("Bruker") == true { return .bruker }
        if text("manufacturer")?.hasPrefix("kikuchipy") == true { return .kikuchipy }
        if text("manufacturer")?.hasPrefix("orix") == true { return .orix }
        return nil
    }

    /// The scans (acquisition groups) of `file` in this layout, in the file's order.
    public func scans(_ file: HDF5File) -> [String] {
        if self == .orix { return file.isGroup("crystal_map") ? ["crystal_map"] : [] }
        let groups = file.members("/").filter { file.isGroup($0) && file.isGroup("\($0)/EBSD") }
        switch self {
        case .oxford: return groups.sorted { (Int($0) ?? .max) < (Int($1) ?? .max) }
        default: return groups
        }
    }

    /// A Bruker scan's map shape and raster order: points of a region of interest carry their column and row in
    /// `SEM/IX`, `SEM/IY` (at the scan or under `EBSD`), not in raster order. Returns rows, columns and, when the
    /// points are not already in raster order, `order[mapPoint]` = row of the data. A non-rectangular region is
    /// refused, naming the dataset.
    public static func brukerGrid(
        _ file: HDF5File, scan: String, points n: Int
    ) throws(HDF5Error) -> (rows: Int, columns: Int, order: [Int]?) {
        let header = "\(scan)/EBSD/Header"
        guard let rows = Int(fileValue: try file.double("\(header)/NROWS")),
            let columns = Int(fileValue: try file.double("\(header)/NCOLS")),
            rows >= 1, columns >= 1, rows <= 1 << 20, columns <= 1 << 20
        else {
            throw .malformed(path: file.path, object: "\(header)/NROWS", message: "expected a plausible map size")
        }
        guard let sem = ["\(scan)/SEM", "\(scan)/EBSD/SEM"].first(where: { file.isDataset("\($0)/IX") && file.isDataset("\($0)/IY") })
        else {
            return (rows, columns, nil)
        }
        let ix = try file.doubles("\(sem)/IX").map { Int(fileValue: $0) ?? -1 },
            iy = try file.doubles("\(sem)/IY").map { Int(fileValue: $0) ?? -1 }
        guard ix.count == n, iy.count == n, let x0 = ix.min(), let x1 = ix.max(), let y0 = iy.min(), let y1 = iy.max(), x0 >= 0, y0 >= 0,
            x1 - x0 < 1 << 16, y1 - y0 < 1 << 16
        else {
            throw .malformed(path: file.path, object: "\(sem)/IX", message: "expected one plausible column and row index per point (\(n))")
        }
        let w = x1 - x0 + 1, h = y1 - y0 + 1
        var slot = [Int](repeating: -1, count: w * h == n ? n : 0)
        if w * h == n {
            for k in 0..<n where slot[(iy[k] - y0) * w + (ix[k] - x0)] == -1 { slot[(iy[k] - y0) * w + (ix[k] - x0)] = k }
        }
        guard w * h == n, !slot.contains(-1) else {
            throw .malformed(
                path: file.path, object: "\(sem)/IX",
                message: "the region of interest is not rectangular "
                    + "(\(n) points in a \(h) × \(w) bounding box); only rectangular regions can be read")
        }
        return (h, w, slot == Array(0..<n) ? nil : slot)
    }
}
