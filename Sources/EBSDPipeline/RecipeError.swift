/// A recipe that cannot run: the message names the recipe file, the step (number and name)
/// or input, the key, and what was expected. Raised before any work starts.
public struct RecipeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
