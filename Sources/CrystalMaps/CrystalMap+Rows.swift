import Foundation
import Crystallography

extension CrystalMap {
    /// Map rows `range` as a map of their own, at their place in this map's frame (the origin moves down by
    /// `range.lowerBound` steps): the part of a map that one shard of a job array owns.
    public func rows(_ range: Range<Int>) -> CrystalMap {
        precondition(range.lowerBound >= 0 && range.upperBound <= grid.rows, "rows \(range) outside the map's \(grid.rows)")
        let cols = grid.columns, pixels = (range.lowerBound * cols)..<(range.upperBound * cols)
        var g = grid
        g.rows = range.count
        g.originY = grid.y(row: range.lowerBound)
        return CrystalMap(
            grid: g, phases: phases, phaseIndex: Array(phaseIndex[pixels]), rotations: Array(rotations[pixels]),
            properties: properties.mapValues { Array($0[pixels]) }, metadata: metadata)
    }

    /// Maps of consecutive row blocks put back together, top to bottom: the grid, phases and metadata of the
    /// first, every block's arrays in order. The blocks must have the same columns, phases and property names.
    public init(stackingRows blocks: [CrystalMap]) throws(MapFileError) {
        guard let first = blocks.first else { throw .malformed(path: "", line: nil, message: "no map rows to put together") }
        for (k, b) in blocks.enumerated().dropFirst() {
            guard b.grid.columns == first.grid.columns, b.phases == first.phases,
                Set(b.properties.keys) == Set(first.properties.keys)
            else {
                throw .malformed(
                    path: "", line: nil,
                    message: "row block \(k) does not fit block 0 (columns \(b.grid.columns) vs \(first.grid.columns), "
                        + "phases or columns of values differ)")
            }
        }
        var g = first.grid
        g.rows = blocks.reduce(0) { $0 + $1.grid.rows }
        self.init(
            grid: g, phases: first.phases, phaseIndex: blocks.flatMap(\.phaseIndex), rotations: blocks.flatMap(\.rotations),
            properties: Dictionary(uniqueKeysWithValues: first.properties.keys.map { k in (k, blocks.flatMap { $0.properties[k]! }) }),
            metadata: first.metadata)
    }
}
