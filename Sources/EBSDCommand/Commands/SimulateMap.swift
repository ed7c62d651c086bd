import ArgumentParser
import Foundation
import MapSimulation
import EBSDPipeline
import Crystallography
import CrystalMaps
import DetectorGeometry
import PatternSimulation
import DynamicalSimulation
import EBSDImageIO

struct SimulateMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Make a reproducible synthetic grain map (Voronoi grains, random orientations).",
        discussion: "Example: ebsd simulate map --phase Na --rows 120 --columns 160 --grains 60 -o SampleMaps/na-deposit.ang"
    )
    static let defaults = SyntheticMapGenerator()
    @Option(help: "Built-in phase: \(Phase.builtIn.map(\.name).joined(separator: ", ")).") var phase = defaults.phase.name
    @Option var rows = defaults.rows
    @Option var columns = defaults.columns
    @Option(help: "Step size in µm.") var step = defaults.step
    @Option var grains = defaults.grains
    @Option(help: "Stretch grains along y (columnar deposits: > 1).") var elongation = defaults.elongationY
    @Option(help: "Orientation spread inside a grain (degrees).") var spread = defaults.spreadDegrees
    @Option(help: "Fraction of not-indexed pixels.") var zeroSolutions = defaults.zeroSolutionFraction
    @Option(help: "Orientation gradient inside each grain, degrees per pixel from its seed.")
    var gradient = defaults.gradientDegreesPerPixel
    @Option(help: "Share of grains with a Σ3 twin lamella (0…1).") var twins = defaults.twinFraction
    @Option(help: "Share of pixels with a random orientation (wild spikes, 0…1).") var noise = defaults.noiseFraction
    @Option var seed = defaults.seed
    @Option(name: .shortAndLong, help: "Output map (.ang, .ctf or .h5 in orix's layout).") var output: String

    func validate() throws {
        guard Phase.builtIn(named: phase) != nil else {
            throw ValidationError("unknown phase '\(phase)'; built-in: \(Phase.builtIn.map(\.name).joined(separator: ", "))")
        }
        guard rows > 0, columns > 0, grains > 0, step > 0 else { throw ValidationError("rows, columns, grains and step must be positive") }
        guard (0...1).contains(zeroSolutions) else { throw ValidationError("--zero-solutions must be in 0…1") }
        guard (0...1).contains(twins), (0...1).contains(noise), gradient >= 0 else {
            throw ValidationError("--twins and --noise must be in 0…1, --gradient not negative")
        }
    }

    func run() throws {
        var g = SyntheticMapGenerator()
        g.rows = rows
        g.columns = columns
        g.step = step
        g.grains = grains
        g.elongationY = elongation
        g.spreadDegrees = spread
        g.zeroSolutionFraction = zeroSolutions
        g.gradientDegreesPerPixel = gradient
        g.twinFraction = twins
        g.noiseFraction = noise
        g.seed = seed
        g.phase = Phase.builtIn(named: phase)!
        do { try MapFile.write(g.make(), to: output) } catch { throw fail(error) }
        FileHandle.standardError.write(Data("wrote \(output)\n".utf8))
    }
}
