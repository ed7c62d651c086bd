import ArgumentParser
import Foundation
import Crystallography
import CrystalMaps
import EBSDImageIO

struct IPFMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipf",
        abstract: "Write an inverse-pole-figure colour map (PNG) along sample x, y or z.",
        discussion: """
        Colours follow the TSL key of orix/MTEX (Nolze & Hielscher 2016) for each phase's Laue group; \
        not-indexed pixels are black. IPF-Z suits top views, IPF-Y cross sections. \
        Example: ebsd ipf SampleMaps/na-deposit.ang --direction z -o ipf-z.png
        """
    )
    enum Direction: String, ExpressibleByArgument, CaseIterable { case x, y, z }
    @Argument(help: "Map file.") var file: String
    @Option(help: "Sample direction: x, y or z.") var direction: Direction = .z
    @Option(help: "Enlarge each map pixel to n × n image pixels.") var scale = 2
    @Option(name: .shortAndLong, help: "Output PNG.") var output: String

    func validate() throws {
        guard (1...32).contains(scale) else { throw ValidationError("--scale must be 1…32") }
        guard output.lowercased().hasSuffix(".png") else { throw ValidationError("output must end in .png") }
    }

    func run() throws {
        do {
            let map = try MapFile.read(file)
            let d: Vector3 = direction == .x ? [1, 0, 0] : direction == .y ? [0, 1, 0] : [0, 0, 1]
            let keys = map.phases.map { IPFColorKey($0.phase.laueGroup) }
            let g = map.grid
            var px = [UInt8](repeating: 0, count: g.count * scale * scale * 3)
            let w = g.columns * scale
            for i in 0..<g.count where map.isIndexed(i) {
                let c = keys[Int(map.phaseIndex[i])].color(crystalDirection: map.rotations[i].apply(d)).bytes
                let r0 = (i / g.columns) * scale, c0 = (i % g.columns) * scale
                for dr in 0..<scale { for dc in 0..<scale {
                    let o = ((r0 + dr) * w + c0 + dc) * 3
                    px[o] = c.0; px[o + 1] = c.1; px[o + 2] = c.2
                } }
            }
            try PNGImage(width: w, height: g.rows * scale, channels: 3, pixels: px).write(to: output)
            FileHandle.standardError.write(Data("wrote \(output) (IPF-\(direction.rawValue.uppercased()), \(w)×\(g.rows * scale) px)\n".utf8))
        } catch { throw fail(error) }
    }
}
