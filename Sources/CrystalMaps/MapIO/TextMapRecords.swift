import Crystallography
import EBSDCore

/// The data records of a text map (`.ang`, `.ctf`) in file order, gathered window by window as a file is read
/// (``TextFileWindows``) so that only the map's own arrays grow with its size; then placed on the grid.
///
/// Each record keeps a phase id as the file gives it (the reader says how: ``append(_:columns:phaseID:)``), its
/// rotation from Bunge Euler angles (as stored; radians after `eulerScale`) and the property columns as Float.
/// Coordinates are kept only when they are needed: while every record lies where a row-major scan of the header's
/// grid puts it (the usual file), none are kept and the records are the pixels; from the first record elsewhere on,
/// all are kept (the earlier ones as their grid positions) and ``GridAssembly`` places them.
struct TextMapRecords {
    /// The grid a header announces (any part may be missing): with columns and steps, the records are expected row by
    /// row from the first one's position.
    struct HeaderGrid {
        var rows: Int?, columns: Int?, stepX: Double?, stepY: Double?
    }

    /// The row-major scan the header describes.
    struct ScanGrid {
        var columns: Int, stepX: Double, stepY: Double
    }

    /// Which columns hold what.
    struct Layout {
        var x: Int, y: Int
        var euler: (Int, Int, Int)
        /// Multiplies the stored angles into radians (π/180 for degrees).
        var eulerScale: Double
        /// Columns kept as properties, in order.
        var properties: [Int]
    }

    let layout: Layout
    let header: HeaderGrid
    let scan: ScanGrid?
    /// The first record's position (the scan's origin).
    private(set) var first: (x: Double, y: Double)?
    /// Whether every record so far lies where the header's row-major scan puts it (then `xs`, `ys` are empty).
    private(set) var inScanOrder: Bool
    private(set) var count = 0
    private(set) var xs: [Double] = []
    private(set) var ys: [Double] = []
    private(set) var phaseIDs: [Int32] = []
    private(set) var rotations: [Rotation] = []
    private(set) var properties: [[Float]]

    /// Where a record lies off the scan grid by more than this fraction of a step, it is placed by its coordinates.
    static let scanTolerance = 0.25

    /// - Parameters: header: the grid the file's header gives. fileBytes: the file's size (room is made up front for
    ///   the points the header announces, but no more than the file's bytes could hold).
    init(layout: Layout, header: HeaderGrid, fileBytes: Int, columns ncol: Int) {
        self.layout = layout
        self.header = header
        if let c = header.columns, let sx = header.stepX, let sy = header.stepY, c > 0, sx > 0, sy > 0 {
            scan = ScanGrid(columns: c, stepX: sx, stepY: sy)
        } else {
            scan = nil
        }
        inScanOrder = scan != nil
        let announced = (header.rows ?? 0).multipliedReportingOverflow(by: header.columns ?? 0)
        let expectedCount = announced.overflow ? 0 : min(announced.partialValue, fileBytes / max(1, 2 * ncol))
        properties = [[Float]](repeating: [], count: layout.properties.count)
        let n = max(0, expectedCount)
        phaseIDs.reserveCapacity(n)
        rotations.reserveCapacity(n)
        for j in properties.indices { properties[j].reserveCapacity(n) }
    }

    /// Appends the records of a parsed window (`values`: `columns` numbers per record), converting them in parallel;
    /// `phaseID` reads a record's phase id from its numbers.
    mutating func append(_ values: [Double], columns ncol: Int, phaseID: (UnsafePointer<Double>) -> Int32) {
        let n = values.count / ncol, start = count
        guard n > 0 else { return }
        if first == nil { first = (values[layout.x], values[layout.y]) }
        if inScanOrder && !liesOnScan(values, columns: ncol, from: start) {
            // the earlier records were on the scan: their grid positions place them as their coordinates would
            inScanOrder = false
            (xs, ys) = scanPositions(count: start)
        }
        count += n
        if !inScanOrder {
            for k in 0..<n {
                xs.append(values[k * ncol + layout.x])
                ys.append(values[k * ncol + layout.y])
            }
        }
        phaseIDs.append(contentsOf: repeatElement(0, count: n))
        rotations.append(contentsOf: repeatElement(.identity, count: n))
        for j in properties.indices { properties[j].append(contentsOf: repeatElement(0, count: n)) }
        let l = layout
        phaseIDs.withUnsafeMutableBufferPointer { pp in
            rotations.withUnsafeMutableBufferPointer { rp in
                values.withUnsafeBufferPointer { vp in
                    let ph = UncheckedPointer(pp.baseAddress! + start), rot = UncheckedPointer(rp.baseAddress! + start)
                    let v = vp.baseAddress!
                    parallelChunks(count: n) { range in
                        for k in range {
                            let r = v + k * ncol
                            ph.p[k] = phaseID(r)
                            rot.p[k] = Rotation(
                                euler: EulerAngles(r[l.euler.0] * l.eulerScale, r[l.euler.1] * l.eulerScale, r[l.euler.2] * l.eulerScale))
                        }
                    }
                }
            }
        }
        values.withUnsafeBufferPointer { vp in
            let v = vp.baseAddress!
            for (j, c) in l.properties.enumerated() {
                properties[j].withUnsafeMutableBufferPointer { op in
                    let out = UncheckedPointer(op.baseAddress! + start)
                    parallelChunks(count: n) { range in
                        for k in range { out.p[k] = Float(v[k * ncol + c]) }
                    }
                }
            }
        }
    }

    /// Whether the records in `values` (the first being record `start`) lie where the scan puts them.
    private func liesOnScan(_ values: [Double], columns ncol: Int, from start: Int) -> Bool {
        guard let g = scan, let o = first else { return false }
        let n = values.count / ncol, l = layout, tolerance = Self.scanTolerance
        var off = [Bool](repeating: false, count: n)
        values.withUnsafeBufferPointer { vp in
            off.withUnsafeMutableBufferPointer { op in
                let v = vp.baseAddress!, out = UncheckedPointer(op.baseAddress!)
                parallelChunks(count: n) { range in
                    for k in range {
                        let i = start + k
                        let dx = (v[k * ncol + l.x] - o.x) / g.stepX - Double(i % g.columns)
                        let dy = (v[k * ncol + l.y] - o.y) / g.stepY - Double(i / g.columns)
                        out.p[k] = !(abs(dx) <= tolerance && abs(dy) <= tolerance)
                    }
                }
            }
        }
        return !off.contains(true)
    }

    /// The positions of the first `count` records of the scan (from the first record's).
    private func scanPositions(count: Int) -> (xs: [Double], ys: [Double]) {
        guard let g = scan, let o = first else { return ([], []) }
        return (
            (0..<count).map { o.x + Double($0 % g.columns) * g.stepX }, (0..<count).map { o.y + Double($0 / g.columns) * g.stepY }
        )
    }

    /// The records placed on the grid (row-major): the grid, and the arrays as they are when every record lay on the
    /// header's scan (no copy), else placed by their coordinates (``GridAssembly``: its checks, its messages).
    /// Consuming: the caller's arrays are then the only references (changing them copies nothing).
    consuming func placed(
        path: String, firstDataLine: Int
    ) throws(MapFileError) -> (grid: MapGrid, phaseIDs: [Int32], rotations: [Rotation], properties: [[Float]]) {
        if inScanOrder, let g = scan, let o = first, let rows = header.rows, rows * g.columns == count {
            let grid = MapGrid(rows: rows, columns: g.columns, stepX: g.stepX, stepY: g.stepY, originX: o.x, originY: o.y)
            return (grid, phaseIDs, rotations, properties)
        }
        let (x, y) = inScanOrder ? scanPositions(count: count) : (xs, ys)
        let h = header
        let assembly = try GridAssembly(
            path: path, xs: x, ys: y, rows: h.rows, columns: h.columns, stepX: h.stepX, stepY: h.stepY, firstDataLine: firstDataLine)
        let pixel = assembly.pixelOfRecord
        if pixel.indices.allSatisfy({ pixel[$0] == $0 }) { return (assembly.grid, phaseIDs, rotations, properties) }
        func place<T>(_ a: [T], _ fill: T) -> [T] {
            var out = [T](repeating: fill, count: a.count)
            for k in a.indices { out[pixel[k]] = a[k] }
            return out
        }
        return (assembly.grid, place(phaseIDs, 0), place(rotations, .identity), properties.map { place($0, 0) })
    }
}
