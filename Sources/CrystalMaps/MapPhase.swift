import Foundation
import Crystallography

/// A phase as it appears in a map: the file's phase id and the phase.
public struct MapPhase: Hashable, Sendable, Codable {
    /// The id used in the file's data (e.g. the `.ang` phase column).
    public var id: Int
    public var phase: Phase
    public init(id: Int, phase: Phase) {
        self.id = id
        self.phase = phase
    }
}
