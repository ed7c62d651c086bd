/// A matching configuration or input that cannot work, found before any work starts; the
/// message names the option or file and what was expected. `key` is the option's name as
/// recipes write it (e.g. "resolution"), so that each entry point can name its own spelling.
public struct MatchingError: Error, CustomStringConvertible, Sendable {
    public let key: String?
    public let message: String
    public var description: String { key.map { "\($0) \(message)" } ?? message }

    public init(_ message: String) {
        key = nil
        self.message = message
    }

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }
}
