import Foundation

/// Counts `items` into `cells` cells on all cores: each core counts its share of the items into its own partial
/// histogram (`body(range, cells)` adds the items of `range` through the pointer), then the partials are merged in
/// part order. `Cell` is what a cell holds (a count, or a count with a sum); `merge(&into, from)` adds one to another.
/// The result does not depend on the number of cores up to floating-point order of the merge.
public func parallelHistogram<Cell>(
    items: Int, cells: Int, empty: Cell, merge: (inout Cell, Cell) -> Void,
    _ body: (_ items: Range<Int>, _ cells: UnsafeMutablePointer<Cell>) -> Void
) -> [Cell] {
    let minimumItemsPerPart = 4096, partsPerCore = 2
    let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount * partsPerCore, items / minimumItemsPerPart))
    var partial = [Cell](repeating: empty, count: parts * cells)
    partial.withUnsafeMutableBufferPointer { pb in
        let h = UncheckedPointer(pb.baseAddress!)
        withoutActuallyEscaping(body) { b in
            let box = UncheckedBox(b)
            parallelFor(parts) { part in
                box.value((part * items / parts)..<((part + 1) * items / parts), h.p + part * cells)
            }
        }
    }
    var histogram = Array(partial[0..<cells])
    for part in 1..<max(1, parts) {
        for j in 0..<cells { merge(&histogram[j], partial[part * cells + j]) }
    }
    return histogram
}
