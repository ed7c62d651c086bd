import Foundation

/// The objects handed to C callers as opaque pointers (`ebsd_map*`, `ebsd_stack*`), kept alive until freed. A pointer
/// the library did not hand out, or one already freed, is refused with a message instead of being dereferenced: the
/// one process-wide table of this module, guarded by a lock, because C callers hold raw pointers.
final class HandleRegistry: @unchecked Sendable {
    static let shared = HandleRegistry()
    private let lock = NSLock()
    private var live: [UnsafeMutableRawPointer: AnyObject] = [:]

    /// Hands `object` out as an opaque pointer.
    func register(_ object: AnyObject) -> UnsafeMutableRawPointer {
        let p = Unmanaged.passUnretained(object).toOpaque()
        lock.lock()
        defer { lock.unlock() }
        live[p] = object
        return p
    }

    /// The live object of type `T` behind `pointer`; `argument` names it in the error.
    func object<T: AnyObject>(_ pointer: UnsafeRawPointer?, as: T.Type, _ argument: String) throws -> T {
        guard let pointer else { throw CABIArgumentError(argument: argument, problem: "a null pointer") }
        lock.lock()
        defer { lock.unlock() }
        guard let o = live[UnsafeMutableRawPointer(mutating: pointer)] else {
            throw CABIArgumentError(argument: argument, problem: "not a live handle of this library (freed, or never made by it)")
        }
        guard let t = o as? T else { throw CABIArgumentError(argument: argument, problem: "a handle of another kind (\(type(of: o)))") }
        return t
    }

    /// Forgets `pointer` (its object is released); unknown pointers are ignored.
    func release(_ pointer: UnsafeRawPointer?) {
        guard let pointer else { return }
        lock.lock()
        defer { lock.unlock() }
        live[UnsafeMutableRawPointer(mutating: pointer)] = nil
    }
}
