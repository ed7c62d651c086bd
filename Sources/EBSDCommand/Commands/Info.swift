import ArgumentParser
import Foundation
import EBSDPipeline
import Crystallography
import CrystalMaps

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a crystal map: phases, grid, step, indexed fraction, properties.",
        discussion: "Reads EDAX .ang, Oxford .ctf and Oxford .cpr/.crc. Example: ebsd info SampleMaps/na-deposit.ang"
    )

    @Argument(help: "Map file (.ang, .ctf, .cpr/.crc, .h5oina, EDAX/Bruker .h5, h5ebsd, orix .h5).")
    var file: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Scan of an HDF5 file that holds several (default: the first).") var scan: String?

    func run() throws {
        let map: CrystalMap
        do { map = try readMap(file, scan: scan) } catch { throw fail(error) }
        if json { print(jsonSummary(map)) } else { print(textSummary(map)) }
    }

    func textSummary(_ m: CrystalMap) -> String {
        let g = m.grid
        var s = "file:        \(file)\n"
        s += "format:      \(m.metadata["format"] ?? "?")\n"
        s += String(
            format: "grid:        %d rows × %d columns, square, step %.4g × %.4g µm (%.4g × %.4g µm)\n",
            g.rows, g.columns, g.stepX, g.stepY, Double(g.columns) * g.stepX, Double(g.rows) * g.stepY)
        s += String(
            format: "points:      %d, indexed %d (%.2f %%), not indexed %d\n", m.count, m.indexedCount, 100 * m.indexedFraction,
            m.count - m.indexedCount)
        s += "phases:\n"
        let counts = m.phaseCounts
        let ci = m.phaseMeans(of: MapProperty.confidenceIndex), score = m.phaseMeans(of: MapProperty.score)
        for (i, p) in m.phases.enumerated() {
            let l = p.phase.lattice
            s +=
                String(format: "  %2d  ", p.id) + pad(p.phase.name, 20) + " " + pad(p.phase.laueGroup.symbol, 6) + " ("
                + p.phase.laueGroup.properGroupSymbol + ")"
            s += String(
                format: "  a=%.4f b=%.4f c=%.4f Å  α=%.2f β=%.2f γ=%.2f°  %d px (%.2f %%)\n",
                l.a * 10, l.b * 10, l.c * 10, l.alpha * 180 / .pi, l.beta * 180 / .pi, l.gamma * 180 / .pi,
                counts[i], m.count > 0 ? 100 * Double(counts[i]) / Double(m.count) : 0)
            let means = [ci[i].map { String(format: "mean CI %.3f", $0) }, score[i].map { String(format: "mean score %.3f", $0) }]
            if !means.compactMap({ $0 }).isEmpty { s += "      " + means.compactMap { $0 }.joined(separator: ", ") + "\n" }
        }
        s += "properties:\n"
        for k in m.properties.keys.sorted() {
            // one pass, summed in Double (a Float sum of 60 M values stops growing long before the end)
            var low = Float.infinity, high = -Float.infinity, sum = 0.0, finite = 0
            for x in m.properties[k]! where x.isFinite {
                low = min(low, x)
                high = max(high, x)
                sum += Double(x)
                finite += 1
            }
            let mean = finite == 0 ? 0 : sum / Double(finite)
            s += "  " + pad(k, 8) + String(format: " min %.4g  mean %.4g  max %.4g\n", finite == 0 ? 0 : low, mean, finite == 0 ? 0 : high)
        }
        return s.trimmingCharacters(in: .newlines)
    }

    func jsonSummary(_ m: CrystalMap) -> String {
        let counts = m.phaseCounts
        let ci = m.phaseMeans(of: MapProperty.confidenceIndex), score = m.phaseMeans(of: MapProperty.score)
        let obj: [String: Any] = [
            "file": file, "rows": m.grid.rows, "columns": m.grid.columns, "step_x": m.grid.stepX, "step_y": m.grid.stepY,
            "points": m.count, "indexed": m.indexedCount, "indexed_fraction": m.indexedFraction,
            "phases": m.phases.enumerated().map { i, p in
                [
                    "id": p.id, "name": p.phase.name, "laue_group": p.phase.laueGroup.symbol, "pixels": counts[i],
                    "fraction": m.count > 0 ? Double(counts[i]) / Double(m.count) : 0, "mean_ci": ci[i] ?? NSNull(),
                    "mean_score": score[i] ?? NSNull(),
                ] as [String: Any]
            },
            "properties": m.properties.keys.sorted(),
        ]
        let data = try! JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
