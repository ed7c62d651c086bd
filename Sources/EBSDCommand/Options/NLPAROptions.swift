import ArgumentParser
import Foundation
import EBSDPipeline
import PatternStacks
import Preprocessing

/// `--nlpar` and its parameters, shared by every command that reads patterns: the stack is read through
/// ``Preprocessing/NLPAR`` (raw patterns averaged before any other preprocessing).
struct NLPAROptions: ParsableArguments {
    @Flag(help: "Non-local pattern averaging (NLPAR) of the raw patterns before anything else; needs the map shape.")
    var nlpar = false
    @Option(help: "NLPAR smoothing λ (> 0; default: estimated from the patterns' noise).") var nlparLambda: Double?
    @Option(help: "NLPAR search radius in map pixels (default 3: a 7 × 7 window).") var nlparRadius = NLPAR.defaultSearchRadius

    func validate() throws { _ = try options() }

    func options() throws -> NLPAR? {
        do {
            let o = try NLPAR(searchRadius: nlparRadius, lambda: nlparLambda)
            if !nlpar && (nlparLambda != nil || nlparRadius != NLPAR.defaultSearchRadius) {
                throw ValidationError("--nlpar-lambda and --nlpar-radius need --nlpar")
            }
            return nlpar ? o : nil
        } catch let e as NLPARError {
            throw ValidationError("--nlpar: \(e)")
        }
    }

    /// `stack` averaged by NLPAR when asked (the first pass runs now, with progress), else `stack`.
    func apply(_ stack: PatternStack) throws -> PatternStack {
        guard let n = try options() else { return stack }
        let progress = ProgressReporter(total: stack.count, label: "nlpar noise")
        let (s, lambda) = try stack.averaged(by: n, progress: { progress.update($0) })
        say(String(format: "NLPAR: search radius %d, λ %.3f%@", n.searchRadius, lambda, n.lambda == nil ? " (estimated)" : ""))
        return s
    }
}
