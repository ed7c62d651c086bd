import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import CrystalMaps
import DetectorGeometry
import PatternSimulation
import DynamicalSimulation
import EBSDImageIO

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate master patterns, detector patterns and synthetic crystal maps.",
        subcommands: [SimulateMaster.self, SimulatePatterns.self, SimulateMap.self]
    )
}
