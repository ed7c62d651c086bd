import Foundation

/// The C progress callback (`ebsd_progress` in the header): the step's label, items done and total, the caller's
/// context; a non-zero return asks the work to stop (status `EBSD_CANCELLED`).
public typealias CABIProgressCallback = @convention(c) (
    UnsafePointer<CChar>?, Int64, Int64, UnsafeMutableRawPointer?
) -> Int32

/// A caller's progress callback with its context: calls are serialised (the library reports from several threads) and
/// thinned to at most one per ``interval`` seconds per label, except the last.
final class CABIProgress: @unchecked Sendable {
    let callback: CABIProgressCallback?
    let context: UnsafeMutableRawPointer?
    let token = CancellationToken()
    private let lock = NSLock()
    private var last: [String: Date] = [:]
    /// Seconds between two reports of one label.
    static let interval = 0.1

    init(_ callback: CABIProgressCallback?, _ context: UnsafeMutableRawPointer?) {
        self.callback = callback
        self.context = context
    }

    /// Reports `done` of `total` for `label`.
    func report(_ label: String, _ done: Int, _ total: Int) {
        guard let callback else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if done < total, let t = last[label], now.timeIntervalSince(t) < Self.interval { return }
        last[label] = now
        let stop = label.withCString { callback($0, Int64(done), Int64(total), context) }
        if stop != 0 { token.cancel() }
    }

    /// The shape the pipeline runner asks for: a reporter per labelled stage.
    var runnerProgress: (String, Int) -> (Int, Int) -> Void {
        { label, _ in { [self] done, total in self.report(label, done, total) } }
    }
}
