import Foundation
import Synchronization

/// Set once a C caller's progress callback returns non-zero; pattern reads (``CancellablePatternSource``) then throw,
/// which stops the running step at its next chunk. Shared by the threads of one call.
final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
    func cancel() { flag.store(true, ordering: .relaxed) }
}
