import Foundation
import Crystallography

/// The square measurement grid of a map. Pixel `(row, col)` sits at
/// `x = originX + col · stepX`, `y = originY + row · stepY` (µm); row 0 is
/// the top of the map, x points right and y down, as the scan was written.
public struct MapGrid: Hashable, Sendable, Codable {
    public var rows: Int
    public var columns: Int
    public var stepX: Double
    public var stepY: Double
    public var originX: Double
    public var originY: Double
    public init(rows: Int, columns: Int, stepX: Double, stepY: Double, originX: Double = 0, originY: Double = 0) {
        self.rows = rows
        self.columns = columns
        self.stepX = stepX
        self.stepY = stepY
        self.originX = originX
        self.originY = originY
    }
    public var count: Int { rows * columns }
    @inlinable public func index(row: Int, column: Int) -> Int { row * columns + column }
    public func x(column: Int) -> Double { originX + Double(column) * stepX }
    public func y(row: Int) -> Double { originY + Double(row) * stepY }
}
