import Foundation
import CrystalMaps

/// A clean-up step: `CrystalMap → CrystalMap` plus a report. Steps compose
/// in the order the user gives.
public protocol CleanupStep: Sendable {
    var name: String { get }
    func apply(_ map: CrystalMap) throws -> (CrystalMap, CleanupReport)
}

extension CrystalMap {
    /// Applies steps in order, collecting their reports.
    public func cleaned(by steps: [any CleanupStep]) throws -> (CrystalMap, [CleanupReport]) {
        var m = self
        var reports: [CleanupReport] = []
        for s in steps {
            let (next, r) = try s.apply(m)
            m = next
            reports.append(r)
        }
        return (m, reports)
    }
}
