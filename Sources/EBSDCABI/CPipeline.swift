import Foundation
import CrystalMaps
import EBSDPipeline
import PatternStacks

/// Runs a recipe file as `ebsd pipeline` does (resuming finished steps unless `fresh`), into `output` (null: the
/// recipe's own); the final map goes to `out` (null when the recipe makes none). Progress as every entry point.
@_cdecl("ebsd_run_pipeline")
public func ebsd_run_pipeline(
    _ recipe: UnsafePointer<CChar>?, _ output: UnsafePointer<CChar>?, _ fresh: Int32,
    _ progress: CABIProgressCallback?, _ context: UnsafeMutableRawPointer?,
    _ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    let reporter = CABIProgress(progress, context)
    out?.pointee = nil
    return CABICall.run(message, capacity, cancellation: reporter.token) {
        let path = try CABICall.string(recipe, "recipe")
        let folder = try CABICall.string(output, "output", orEmpty: true)
        var runner = try PipelineRunner(recipePath: path, outputOverride: folder.isEmpty ? nil : folder)
        if let s = runner.inputs.stack { runner.inputs.stack = try CancellablePatternSource.wrapping(s, reporter.token) }
        runner.progress = reporter.runnerProgress
        runner.message = { _ in }
        let map = try runner.run(fresh: fresh != 0)
        if let map, let out { try MapHandle.give(map, out) }
    }
}
