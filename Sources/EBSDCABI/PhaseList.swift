import Foundation
import Crystallography

/// Phases as a C caller names them: comma-separated built-in names or .json phase files, e.g. "Na,Li".
enum PhaseList {
    static func parse(_ text: String, argument: String = "phases") throws -> [Phase] {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw CABIArgumentError(argument: argument, problem: "no phase given") }
        return try names.map { name in
            do { return try Phase.resolve(name) } catch { throw CABIArgumentError(argument: argument, problem: "\(error)") }
        }
    }
}
