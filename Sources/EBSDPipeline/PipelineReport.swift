import Foundation
import CrystalMaps
import Grains

/// The pipeline's report: one self-contained HTML file (figures embedded as PNG data) and the
/// same content as Markdown beside the figure files — the figures, grain statistics, indexing
/// rate and time of every step, the exact recipe and the library version.
struct PipelineReport {
    let runner: PipelineRunner
    let map: CrystalMap
    /// The run's analysis of `map`'s grains, when a grains step made one (used where its parameters are the report's).
    let grains: GrainAnalysis?
    let totalSeconds: Double

    /// The version of the library written into reports.
    static let version = EBSDVersion.string

    var folder: String { runner.outputFolder }

    /// The grain parameters of the recipe's `grains` step (defaults without one).
    var grainParameters: GrainAnalysis.Parameters {
        for s in runner.recipe.steps { if case .grains(let g) = s { return g.parameters } }
        return GrainAnalysis.Parameters()
    }

    func statistics() throws -> [(String, String)] {
        let gp = grainParameters
        let g = try grains.flatMap { $0.parameters == gp ? $0 : nil } ?? GrainAnalysis(map, parameters: gp)
        let st = g.statistics, e = st.e2627
        let hagb = gp.boundaries.highDegrees, lagb = gp.boundaries.lowDegrees
        let counts = map.phaseCounts, ci = map.phaseMeans(of: MapProperty.confidenceIndex)
        let phases = map.phases.enumerated().map { i, p in
            let share = map.count > 0 ? Double(counts[i]) / Double(map.count) : 0
            return String(format: "%@ %.2f %%", p.phase.name, 100 * share) + (ci[i].map { String(format: " (mean CI %.2f)", $0) } ?? "")
        }
        return [
            (
                "Map",
                String(
                    format: "%d × %d pixels, step %.4g µm (%.4g × %.4g µm)", map.grid.rows, map.grid.columns, map.grid.stepX,
                    Double(map.grid.columns) * map.grid.stepX, Double(map.grid.rows) * map.grid.stepY)
            ),
            ("Indexed", String(format: "%.2f %%", 100 * map.indexedFraction)),
            ("Phases", phases.joined(separator: ", ")),
            ("Grains", String(format: "%d (HAGB %.4g°, ≥ %d px)", st.count, hagb, gp.minimumPixels)),
            ("ECD mean / median", String(format: "%.4g / %.4g µm", st.meanECD, st.medianECD)),
            ("ECD area-weighted mean / median", String(format: "%.4g / %.4g µm", st.areaWeightedMeanECD, st.areaWeightedMedianECD)),
            ("Mean lineal intercept x / y", String(format: "%.4g / %.4g µm", st.meanInterceptX, st.meanInterceptY)),
            ("ASTM E112 G (mean area)", String(format: "%.2f", g.astmE112.meanArea)),
            (
                "ASTM E2627",
                e.astmG.isFinite
                    ? String(format: "G %.2f from %d interior grains", e.astmG, e.grainsCounted) : (e.warning ?? "not applicable")
            ),
            (
                "Boundary length HAGB (> \(hagb)°) / LAGB (\(lagb)–\(hagb)°)",
                String(format: "%.4g / %.4g µm", g.boundaryLength.high, g.boundaryLength.low)
            ),
            ("CSL boundaries (Brandon's criterion), share of the HAGB length", g.specialSummary),
        ]
    }

    var figures: [(file: String, caption: String)] {
        var out: [(String, String)] = []
        let uses = ["x": "sample x", "y": "cross sections", "z": "top views"]
        for d in ["x", "y", "z"] where exists("ipf-\(d).png") {
            out.append(("ipf-\(d).png", "IPF-\(d.uppercased()) map (\(uses[d]!)); HAGB black, LAGB white; colour key and scale bar below"))
        }
        if exists("phase.png") { out.append(("phase.png", "Phase map with the phases' area fractions")) }
        if exists("pole-figures.png") {
            out.append(("pole-figures.png", "{100}, {110}, {111} pole figures (equal-area, upper hemisphere), density in MUD"))
        }
        if exists("misorientation-distribution.png") {
            out.append(
                ("misorientation-distribution.png", "Misorientation angles: neighbour pairs, random pairs and the Mackenzie curve"))
        }
        if exists("grain-size-histogram.png") {
            out.append(("grain-size-histogram.png", "Grain size (ECD) histogram: number and area fractions"))
        }
        for d in ["x", "y", "z"] where exists("ipf-density-\(d).png") {
            out.append(("ipf-density-\(d).png", "Orientation density in the IPF of sample \(d.uppercased())"))
        }
        return out
    }

    func exists(_ f: String) -> Bool { FileManager.default.fileExists(atPath: runner.path(f)) }

    func write() throws {
        let stats = try statistics()
        let title = runner.recipe.name ?? "EBSD pipeline"
        let date = ISO8601DateFormatter().string(from: Date())
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let steps = runner.log.map { l in
            (l.index + 1, l.name, l.seconds, l.indexedPercent.map { String(format: "%.2f %%", $0) } ?? "", l.file ?? "", l.note)
        }
        let total = String(format: "%.1f", totalSeconds)
        // Markdown
        var md = "# \(title)\n\nSwiftEBSD \(Self.version), \(date), \(cores) cores. Total \(total) s.\n\n"
        md += "## Figures\n\n"
        for f in figures { md += "![\(f.caption)](\(f.file))\n\n*\(f.caption)*\n\n" }
        md += "## Statistics\n\n| quantity | value |\n|---|---|\n"
        for (k, v) in stats { md += "| \(k) | \(v) |\n" }
        md += "\n## Steps\n\n| # | step | time (s) | indexed after | map | note |\n|---|---|---|---|---|---|\n"
        for s in steps {
            md +=
                "| \(s.0) | \(s.1) | \(String(format: "%.2f", s.2)) | \(s.3) | \(s.4) | \(s.5.replacingOccurrences(of: "|", with: "/")) |\n"
        }
        md += "\n## Recipe\n\n```yaml\n\(runner.recipeText)\n```\n"
        try writeAtomically(md, to: runner.path("report.md"))
        // HTML
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
                of: ">", with: "&gt;")
        }
        var h = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>\(esc(title))</title><style>
            body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}
            td,th{border:1px solid #bbb;padding:4px 8px;text-align:left}figure{margin:1.5em 0}
            img{max-width:100%;image-rendering:pixelated;border:1px solid #ddd}
            pre{background:#f4f4f4;padding:1em;overflow:auto}figcaption{font-size:90%;color:#555}</style></head><body>
            <h1>\(esc(title))</h1><p>SwiftEBSD \(Self.version) · \(date) · \(cores) cores · total \(total) s</p>
            <h2>Figures</h2>
            """
        for f in figures {
            guard let data = FileManager.default.contents(atPath: runner.path(f.file)) else { continue }
            h +=
                "<figure><img alt=\"\(esc(f.caption))\" src=\"data:image/png;base64,\(data.base64EncodedString())\">"
                + "<figcaption>\(esc(f.caption))</figcaption></figure>\n"
        }
        h += "<h2>Statistics</h2><table>" + stats.map { "<tr><th>\(esc($0.0))</th><td>\(esc($0.1))</td></tr>" }.joined() + "</table>\n"
        h += "<h2>Steps</h2><table><tr><th>#</th><th>step</th><th>time (s)</th><th>indexed after</th><th>map</th><th>note</th></tr>"
        for s in steps {
            h +=
                "<tr><td>\(s.0)</td><td>\(esc(s.1))</td><td>\(String(format: "%.2f", s.2))</td><td>\(s.3)</td><td>\(esc(s.4))</td>"
                + "<td>\(esc(s.5))</td></tr>"
        }
        h += "</table>\n<h2>Recipe</h2><pre>\(esc(runner.recipeText))</pre></body></html>\n"
        try writeAtomically(h, to: runner.path("report.html"))
    }
}
