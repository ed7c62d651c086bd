import Foundation
import EBSDPipeline

/// The version of the C ABI (`include/swiftebsd.h`, `EBSD_ABI_VERSION`): raised whenever an entry point changes.
let cabiVersion: Int32 = 1

/// The status every C entry point returns (`ebsd_status` in `include/swiftebsd.h`).
enum CABIStatus: Int32 {
    case ok = 0
    /// An argument was refused (null, wrong size, unknown phase or option …); the message names it.
    case badArgument = 1
    /// The progress callback asked to stop; nothing was returned.
    case cancelled = 2
    /// The work itself failed (unreadable file, no solution possible …); the message says why.
    case failed = 3
}

/// An argument the C ABI refuses: which one and what was expected.
struct CABIArgumentError: Error, CustomStringConvertible {
    let argument: String
    let problem: String
    var description: String { "\(argument): \(problem)" }
}

/// Runs the body of one C entry point: every Swift error becomes a status and a one-line message written into the
/// caller's buffer (`message`, `capacity` bytes including the terminating NUL; either may be null/0). Nothing throws
/// across the boundary.
enum CABICall {
    static func run(
        _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64, cancellation: CancellationToken? = nil,
        _ body: () throws -> Void
    ) -> Int32 {
        write("", into: message, capacity)
        do {
            try body()
            return CABIStatus.ok.rawValue
        } catch {
            if cancellation?.isCancelled == true {
                write("cancelled", into: message, capacity)
                return CABIStatus.cancelled.rawValue
            }
            write("\(error)", into: message, capacity)
            let refused = error is CABIArgumentError || error is RecipeError
            return (refused ? CABIStatus.badArgument : CABIStatus.failed).rawValue
        }
    }

    /// Copies `text` (cut to fit, on a UTF-8 boundary) into `buffer` with a terminating NUL.
    static func write(_ text: String, into buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int64) {
        guard let buffer, capacity > 0 else { return }
        var bytes = Array(text.utf8.prefix(Int(min(capacity - 1, Int64(Int32.max)))))
        while let last = bytes.last, last & 0xC0 == 0x80 { bytes.removeLast() }
        if let last = bytes.last, last >= 0xC0 { bytes.removeLast() }
        for (i, b) in bytes.enumerated() { buffer[i] = CChar(bitPattern: b) }
        buffer[bytes.count] = 0
    }

    /// The C string `pointer` as Swift text, refused when null (unless `orEmpty`) or not UTF-8.
    static func string(_ pointer: UnsafePointer<CChar>?, _ argument: String, orEmpty: Bool = false) throws -> String {
        guard let pointer else {
            if orEmpty { return "" }
            throw CABIArgumentError(argument: argument, problem: "a null pointer where text was expected")
        }
        guard let s = String(validatingCString: pointer) else {
            throw CABIArgumentError(argument: argument, problem: "not valid UTF-8 text")
        }
        return s
    }

    /// A copy of `text` in memory from `malloc`, which the caller frees with `ebsd_free`.
    static func allocated(_ text: String) -> UnsafeMutablePointer<CChar>? { strdup(text) }
}

/// The ABI version this library implements (`EBSD_ABI_VERSION` of the header it was built with).
@_cdecl("ebsd_abi_version")
public func ebsd_abi_version() -> Int32 { cabiVersion }

/// Frees text or buffers the library allocated for the caller (`ebsd_grains` CSV, step notes).
@_cdecl("ebsd_free")
public func ebsd_free(_ pointer: UnsafeMutableRawPointer?) { free(pointer) }
