import Foundation

/// Progress of long work on stderr — done/total, rate and ETA — when stderr is a terminal
/// (silent otherwise, so logs and CI output stay clean). Thread-safe.
public final class ProgressReporter: @unchecked Sendable {
    public let total: Int, label: String, unit: String
    let start = Date()
    var last = Date.distantPast
    let enabled: Bool
    let lock = NSLock()
    /// Seconds between two updates of the line.
    static let interval = 0.2

    public init(total: Int, label: String, unit: String = "patterns", enabled: Bool = isatty(2) != 0) {
        self.total = total
        self.label = label
        self.unit = unit
        self.enabled = enabled
    }

    /// Reports `done` of `total` items.
    public func update(_ done: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(last) > Self.interval || done == total else { return }
        last = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let line = String(
            format: "\r%@ %d/%d (%.0f %%) %.0f %@/s ETA %d:%02d   ", label, done, total,
            100 * Double(done) / Double(max(1, total)), rate, unit, Int(eta) / 60, Int(eta) % 60)
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// The reporter as a `(done, total)` callback for the library's long operations.
    public var callback: (Int, Int) -> Void { { done, _ in self.update(done) } }
}
