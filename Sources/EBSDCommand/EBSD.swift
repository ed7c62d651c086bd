import ArgumentParser
import EBSDCore
import Foundation
import EBSDNumerics
import EBSDPipeline

/// The `ebsd` command-line tool: each subcommand exposes one stage.
@main
struct EBSD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ebsd",
        abstract: "Index, clean and analyse EBSD maps.",
        discussion: """
            Conventions: rotations are passive (sample → crystal), Bunge ZXZ Euler angles, \
            quaternions scalar-first with product sign P = +1 (Rowenhorst et al. 2015, as orix). \
            Map files keep their Euler angles in the frame the vendor wrote them (see `ebsd convert --frame`).
            """,
        version: EBSDVersion.string,
        subcommands: [
            PipelineCommand.self, Info.self, Convert.self, Index.self, Refine.self, Calibrate.self, Clean.self, GrainsCommand.self,
            IPFMap.self, Plot.self, Stack.self, Preprocess.self, Simulate.self, Synth.self, View.self,
        ]
    )

    static func main() {
        OpenBLASRuntime.ensureCoreType()
        HeapPolicy.keepFreedMemory()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // bad flags and bad input both exit 1 (ArgumentParser's usage errors would exit 64); --help and
            // --version keep their own codes
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitCode.failure.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// A failure already explained on stderr in one line: `ebsd: <file>:<line>: <what>`.
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("ebsd: \(error)\n".utf8))
    return ExitCode.failure
}
