import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import CrystalMaps
import HoughIndexing
import PatternStacks

struct Index: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Index a pattern stack into a crystal map.", subcommands: [IndexHough.self, IndexMatch.self, IndexHybrid.self])
}
