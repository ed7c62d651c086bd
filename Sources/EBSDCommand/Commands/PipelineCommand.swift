import ArgumentParser
import Foundation
import EBSDPipeline

struct PipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Run a protocol from a YAML recipe: indexing, refinement, clean-up, grains, figures, and an HTML + Markdown report.",
        discussion: """
            Example: ebsd pipeline SampleMaps/reference-protocol.yaml. Every map step writes its map (NN-step.ang) into the \
            output folder; a rerun after an interruption resumes after the last finished step (same recipe, same inputs). \
            Steps: \(PipelineStep.kinds.map { $0.stepName }.joined(separator: ", ")). \
            The recipe is checked as a whole before any work starts.
            """
    )
    @Argument(help: "Recipe (.yaml).") var recipe: String
    @Option(help: "Output folder (default: the recipe's 'output').") var output: String?
    @Flag(help: "Ignore finished steps and run everything again.") var fresh = false

    func run() throws {
        do {
            var runner = try PipelineRunner(recipePath: recipe, outputOverride: output)
            if try runner.run(fresh: fresh) != nil {
                print("report: \(runner.outputFolder)/report.html (and report.md); final map: \(runner.outputFolder)/final.ang")
            }
        } catch let e as ValidationError { throw e } catch { throw fail(error) }
    }
}
