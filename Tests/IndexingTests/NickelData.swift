import Foundation
import TestSupport
@testable import Crystallography
@testable import DetectorGeometry
@testable import PatternStacks

/// The 9 real NORDIF Ni patterns (static background subtracted), their mean
/// Bruker PC and reference orientations, from ../shared/data/ni-nordif-3x3.
struct NickelData {
    let patterns: [[Float]]
    let meanPC: PatternCenter
    let references: [Rotation]

    init() throws {
        let meta = try SharedData.json("data/ni-nordif-3x3/metadata.json")
        let pcs = meta["pc_bruker_per_pattern"] as! [[Double]]
        meanPC = PatternCenter(pcs.map { $0[0] }.reduce(0, +) / 9, pcs.map { $0[1] }.reduce(0, +) / 9, pcs.map { $0[2] }.reduce(0, +) / 9)
        references = (meta["reference_orientations_bunge_rad"] as! [[Double]]).map { Rotation(euler: EulerAngles($0[0], $0[1], $0[2])) }
        let stack = try PatternStack.open(SharedData.path("data/ni-nordif-3x3/patterns.tif"), mapShape: (3, 3))
        let bg = try PatternStack.open(SharedData.path("data/ni-nordif-3x3/static_background.tif"), mapShape: (1, 1)).read(0..<1)
        patterns = try (0..<9).map { k in
            var p = try stack.read(k..<(k + 1))
            for i in p.indices { p[i] -= bg[i] }
            return p
        }
    }
}
