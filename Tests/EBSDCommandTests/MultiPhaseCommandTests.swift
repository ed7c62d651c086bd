import Foundation
import Testing
import TestSupport

/// Issue 28 through the tool: `ebsd index hough` with two phases on the real Ni NORDIF folder (its own static
/// background), then `ebsd info`: every point Ni, the phase fractions with their mean CI (text and JSON).
@Suite(.needsSharedData) struct MultiPhaseCommandTests {
    @Test func houghWithNickelAndIronThenInfo() throws {
        let ni = try NickelData()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("multiphase-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("ni.ang").path
        let pc = "\(ni.meanPC.x),\(ni.meanPC.y),\(ni.meanPC.z)"
        let r = try runEBSD([
            "index", "hough", SharedData.path("data/ni-nordif-3x3/nordif"), "--phase", "Ni", "--phase", "alpha-Fe", "--pc", pc,
            "--map-shape", "3x3", "-o", out,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try runEBSD(["info", out])
        #expect(text.status == 0 && text.stdout.contains("mean CI"), "\(text.stdout)")
        let json = try runEBSD(["info", "--json", out])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let phases = try #require(obj["phases"] as? [[String: Any]])
        let nickel = try #require(phases.first { ($0["name"] as? String) == "Ni" })
        let iron = try #require(phases.first { ($0["name"] as? String) == "alpha-Fe" })
        print("ebsd info: Ni \(nickel["pixels"] ?? "?") px, mean CI \(nickel["mean_ci"] ?? "?"); alpha-Fe \(iron["pixels"] ?? "?") px")
        #expect(nickel["pixels"] as? Int == 9 && iron["pixels"] as? Int == 0 && iron["mean_ci"] is NSNull)
        #expect((nickel["mean_ci"] as? Double ?? 0) >= 0.3)
    }
}
