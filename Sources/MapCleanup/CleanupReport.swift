import Foundation
import CrystalMaps

/// What a clean-up step changed: pixel counts by kind (e.g. "filled",
/// "spikes replaced", "flips confirmed by patterns").
public struct CleanupReport: Sendable, CustomStringConvertible {
    public var step: String
    public var counts: [(kind: String, pixels: Int)]
    public init(step: String, counts: [(String, Int)]) { self.step = step; self.counts = counts.map { (kind: $0.0, pixels: $0.1) } }
    public var description: String { "\(step): " + counts.map { "\($0.kind) \($0.pixels)" }.joined(separator: ", ") }
    public subscript(kind: String) -> Int { counts.first { $0.kind == kind }?.pixels ?? 0 }
}

/// A clean-up step: `CrystalMap → CrystalMap` plus a report. Steps compose
/// in the order the user gives.
public protocol CleanupStep: Sendable {
    var name: String { get }
    func apply(_ map: CrystalMap) throws -> (CrystalMap, CleanupReport)
}

/// Errors of clean-up parameters, caught before any work starts.
public struct CleanupError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ m: String) { message = m }
    public var description: String { message }
}

extension CrystalMap {
    /// Applies steps in order, collecting their reports.
    public func cleaned(by steps: [any CleanupStep]) throws -> (CrystalMap, [CleanupReport]) {
        var m = self
        var reports: [CleanupReport] = []
        for s in steps { let (next, r) = try s.apply(m); m = next; reports.append(r) }
        return (m, reports)
    }
}
