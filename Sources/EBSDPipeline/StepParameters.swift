import Crystallography

/// The parameters of one recipe step as written (a YAML mapping), read strictly: every key
/// must be one the step knows, each value of the expected type. Each step type reads its
/// own keys with ``value(_:)`` starting from its defaults, then calls ``finish()``, which
/// refuses any key left unread, naming the step and the key.
public struct StepParameters {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The step's name, e.g. "fill".
    public let name: String
    /// How errors name the step: its number and name, e.g. "3 (fill)".
    public let label: String
    let container: KeyedDecodingContainer<Key>?
    let codingPath: [CodingKey]
    private(set) var read: Set<String> = []

    /// Reads the parameters of step number `number` (from 1) named `name` from `decoder` (nil: no parameters).
    init(number: Int, name: String, decoder: Decoder?) throws {
        self.name = name
        label = "\(number) (\(name))"
        codingPath = decoder?.codingPath ?? []
        container = try decoder.map { d in try d.container(keyedBy: Key.self) }
    }

    /// The value of `key`, or nil when absent.
    public mutating func value<T: Decodable>(_ key: String) throws -> T? {
        read.insert(key)
        guard let c = container, c.contains(Key(stringValue: key)) else { return nil }
        do {
            return try c.decode(T.self, forKey: Key(stringValue: key))
        } catch {
            throw RecipeError("step \(label): '\(key)' must be \(Self.typeName(T.self))")
        }
    }

    /// A list that may be written as one value (`operator: 60@111` or `operator: [60@111, 90@100]`).
    public mutating func list<T: Decodable>(_ key: String) throws -> [T]? {
        read.insert(key)
        guard let c = container, c.contains(Key(stringValue: key)) else { return nil }
        if let one = try? c.decode(T.self, forKey: Key(stringValue: key)) { return [one] }
        do {
            return try c.decode([T].self, forKey: Key(stringValue: key))
        } catch {
            throw RecipeError("step \(label): '\(key)' must be one \(Self.typeName(T.self)) or a list of them")
        }
    }

    /// Refuses keys this step does not read.
    public func finish() throws {
        guard let c = container else { return }
        for k in c.allKeys where !read.contains(k.stringValue) {
            throw RecipeError(
                "step \(label): unknown parameter '\(k.stringValue)' (\(name) takes: \(read.sorted().joined(separator: ", ")))")
        }
    }

    /// Parses an ANGLE@UVW operator, naming this step when it cannot.
    public func pseudoSymmetryOperator(_ text: String) throws -> PseudoSymmetryOperator {
        do { return try PseudoSymmetryOperator(parsing: text) } catch { throw RecipeError("step \(label): \(error)") }
    }

    static func typeName<T>(_ t: T.Type) -> String {
        switch t {
        case is Int.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "text"
        case is [Int].Type: return "a list of whole numbers"
        case is [Double].Type: return "a list of numbers"
        case is [String].Type: return "a list of text values"
        default: return "\(t)"
        }
    }
}

/// A recipe step's typed parameters, read from the recipe with the step's own defaults.
public protocol RecipeStepParameters: Sendable, Hashable {
    /// The step's name in recipes.
    static var stepName: String { get }
    /// Reads the step's keys (defaults for those absent) and checks the values.
    init(recipe: inout StepParameters) throws
}
