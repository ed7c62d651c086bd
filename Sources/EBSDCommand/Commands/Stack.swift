import ArgumentParser
import Foundation
import EBSDPipeline
import PatternStacks
import Preprocessing
import EBSDImageIO

struct Stack: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Inspect pattern stacks.", subcommands: [StackInfo.self])
}
