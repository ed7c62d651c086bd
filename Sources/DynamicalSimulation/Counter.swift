import EBSDCore
import Foundation
import Crystallography
import PatternSimulation

/// A thread-safe running count (for progress).
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func add(_ n: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += n
        return value
    }
}
