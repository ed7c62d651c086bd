/// A matching configuration or input that cannot work, found before any work starts;
/// the message names the option or file and what was expected.
public struct MatchingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
