import Foundation
import CrystalMaps

/// Errors of clean-up parameters, caught before any work starts.
public struct CleanupError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ m: String) { message = m }
    public var description: String { message }
}
