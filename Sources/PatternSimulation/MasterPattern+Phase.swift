/// A master pattern used for a phase it was not simulated for: the one check, with its message, that the CLI's
/// `--master`/`--phase` and the recipe's `inputs.master_patterns` both make.
public struct MasterPhaseMismatch: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let masterPhase: String
    public let phase: String
    public var description: String { "\(file) is a master pattern of \(masterPhase), not of \(phase)" }
}

extension MasterPattern {
    /// Checks that the pattern (read from `file`) is of `phase` (names compared without case). A pattern that
    /// does not name its phase (an EMsoft export, say) is taken at the caller's word.
    public func requirePhase(_ phase: String, file: String) throws(MasterPhaseMismatch) {
        if let own = description?.phase, own.lowercased() != phase.lowercased() {
            throw MasterPhaseMismatch(file: file, masterPhase: own, phase: phase)
        }
    }
}
