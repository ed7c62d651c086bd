import Foundation
import CrystalMaps

/// Writes a map file on a thread of its own (``MapFile/write(_:to:)``: temporary file, then rename) while the caller
/// goes on with work that only reads the map: the pipeline writes `final.ang` (1.2 GB of text at 16 M points) while its
/// grains and figure steps run. The map is a value: the thread reads its own copy of the (shared, unchanged) arrays.
final class BackgroundMapWrite: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Set by the thread before it signals `done`.
    private var failure: (any Error)?
    /// Whether ``finish()`` has waited (only the caller's thread calls it).
    private var waited = false

    init(_ map: CrystalMap, to path: String) {
        let thread = Thread { [self] in
            do { try MapFile.write(map, to: path) } catch { failure = error }
            done.signal()
        }
        thread.name = "final map write"
        thread.start()
    }

    /// Waits for the write (once; later calls return at once) and throws its error, if any. Called from the thread
    /// that made this writer.
    func finish() throws {
        if !waited {
            done.wait()
            waited = true
        }
        if let failure { throw failure }
    }
}
