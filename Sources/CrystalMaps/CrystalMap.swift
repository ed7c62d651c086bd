import Foundation
import Crystallography

/// An indexed EBSD map: grid, phase list and per-pixel phase, rotation and
/// named quality properties, stored as contiguous arrays in row-major pixel
/// order (index = row · columns + column).
///
/// `phaseIndex[i]` indexes ``phases``; −1 marks a pixel that is not indexed
/// (zero solution). Rotations are passive, sample → crystal (see
/// ``Crystallography/Rotation``) and are kept for every pixel, indexed or not,
/// exactly as the file gave them; a not-indexed pixel's rotation carries no
/// meaning.
///
/// Reference frame: orientations are stored in the frame the file's Euler
/// angles refer to, with no conversion (as orix does). EDAX/TSL files refer
/// their Euler angles to the TSL frame, which is turned 90° about the sample
/// normal relative to the map's x/y; ``convertingSampleFrame(_:)`` with
/// ``SampleFrameChange/tslToMap`` applies that explicitly. Oxford `.ctf`/`.crc`
/// angles refer to the acquisition ("CS0") frame aligned with the map axes.
public struct CrystalMap: Sendable {
    public var grid: MapGrid
    public var phases: [MapPhase]
    public var phaseIndex: [Int32]
    public var rotations: [Rotation]
    public var properties: [String: [Float]]
    /// Free-form header values kept from the file (pattern centre, operator, …).
    public var metadata: [String: String]

    public init(
        grid: MapGrid, phases: [MapPhase], phaseIndex: [Int32], rotations: [Rotation],
        properties: [String: [Float]] = [:], metadata: [String: String] = [:]
    ) {
        precondition(phaseIndex.count == grid.count && rotations.count == grid.count, "map arrays must have rows × columns entries")
        self.grid = grid
        self.phases = phases
        self.phaseIndex = phaseIndex
        self.rotations = rotations
        self.properties = properties
        self.metadata = metadata
    }

    public var count: Int { grid.count }
    @inlinable public func isIndexed(_ i: Int) -> Bool { phaseIndex[i] >= 0 }
    public var indexedCount: Int { phaseIndex.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
    public var indexedFraction: Double { count == 0 ? 0 : Double(indexedCount) / Double(count) }

    /// The orientation of pixel `i`, or nil when it is not indexed.
    public func orientation(_ i: Int) -> Orientation? {
        let p = phaseIndex[i]
        return p < 0 ? nil : Orientation(rotations[i], phases[Int(p)].phase.laueGroup)
    }

    /// Pixel count per phase (index into ``phases``), not-indexed excluded.
    public var phaseCounts: [Int] {
        var c = [Int](repeating: 0, count: phases.count)
        for p in phaseIndex where p >= 0 { c[Int(p)] += 1 }
        return c
    }

    /// The mean of property `name` over each phase's pixels (index into ``phases``; nil where the map has no such
    /// property or the phase no pixel with a finite value). E.g. the mean Hough CI per phase of a multi-phase map.
    public func phaseMeans(of name: String) -> [Double?] {
        guard let values = properties[name] else { return [Double?](repeating: nil, count: phases.count) }
        var sum = [Double](repeating: 0, count: phases.count), n = [Int](repeating: 0, count: phases.count)
        for (i, p) in phaseIndex.enumerated() where p >= 0 && Int(p) < phases.count && values[i].isFinite {
            sum[Int(p)] += Double(values[i])
            n[Int(p)] += 1
        }
        return zip(sum, n).map { $1 > 0 ? $0 / Double($1) : nil }
    }

    /// Re-expresses every orientation in another sample frame:
    /// `g' = g · F⁻¹` where `F` rotates old sample coordinates into new ones.
    public func convertingSampleFrame(_ change: SampleFrameChange) -> CrystalMap {
        var out = self
        let inv = change.rotation.inverse
        for i in out.rotations.indices { out.rotations[i] = out.rotations[i] * inv }
        return out
    }
}
