/// Why the viewer cannot open its inputs or answer a request (one line, naming the file or the point).
public struct ViewerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
