import Foundation
import Testing

/// Locates `../shared/` (golden numbers and real instrument data) beside the
/// package root, as CI lays it out, and loads its JSON files.
public enum SharedData {
    /// The package root (three levels above this file).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let root: URL = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
    public static func path(_ relative: String) -> String { url(relative).path }
    public static var available: Bool { FileManager.default.fileExists(atPath: root.path) }

    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "shared test data not found at \(path) (expected ../shared beside the package)" }
    }

    /// A new, empty folder under the system's temporary folder, named `prefix-<UUID>`; its path.
    public static func temporaryFolder(_ prefix: String) -> String {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u.path
    }

    /// A shared-data file without the entry a test expects.
    public struct BadEntry: Error, CustomStringConvertible {
        public let file: String, key: String, expected: String
        public var description: String { "\(file): '\(key)' is not \(expected)" }
    }

    /// Parses a JSON file under `../shared/` into Foundation objects.
    public static func json(_ relative: String) throws -> [String: Any] {
        let u = url(relative)
        guard let data = FileManager.default.contents(atPath: u.path) else { throw Missing(path: u.path) }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BadEntry(file: relative, key: "(top level)", expected: "a JSON object")
        }
        return object
    }
}

extension Dictionary where Key == String, Value == Any {
    public func doubles(_ k: String) -> [Double]? { (self[k] as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } }
    public func double(_ k: String) -> Double? { (self[k] as? NSNumber)?.doubleValue }
    public func int(_ k: String) -> Int? { (self[k] as? NSNumber)?.intValue }
    public func dict(_ k: String) -> [String: Any]? { self[k] as? [String: Any] }
    public func dicts(_ k: String) -> [[String: Any]] { (self[k] as? [[String: Any]]) ?? [] }
    public func string(_ k: String) -> String? { self[k] as? String }
    public func bool(_ k: String) -> Bool? { (self[k] as? NSNumber)?.boolValue }
}

extension Trait where Self == ConditionTrait {
    /// Enables a suite only where `../shared` (golden numbers, real instrument data) lies beside the checkout, as CI
    /// lays it out; elsewhere its tests are skipped with that reason instead of failing on a missing file.
    public static var needsSharedData: Self {
        .enabled(if: SharedData.available, "../shared (golden numbers, real data) is not beside the checkout: skipped")
    }
}
