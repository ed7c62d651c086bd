import Foundation
import Testing
import TestSupport
@testable import CrystalMaps

/// Issue 25: the peer tools' numba caches were corrupted when several test processes first used them at once (every
/// later `import orix.quaternion.symmetry` then died with SIGSEGV). Peers now run through Tests/Scripts/peer-python:
/// caches inside the peer environment's state folder, one peer process at a time.
@Suite(.enabled(if: PeerPython.has("orix", "pyebsdindex"), "the peer environment (make peers) lacks orix or PyEBSDIndex"))
struct PeerEnvironmentTests {
    /// What each started peer reports: when its script started and ended (seconds since the epoch).
    struct Span { let start: Double, end: Double }

    /// Six peer processes started at once on a cold cache (an empty state folder): orix reading our .ang, orix's
    /// symmetry import (the import that crashed), PyEBSDIndex's band detection import. All succeed, their lifetimes
    /// do not overlap (so no two ever wrote the cache at once), the caches landed in the state folder, and a
    /// later import from that cache works.
    @Test func concurrentFirstUsesOnAColdCache() throws {
        let state = SharedData.temporaryFolder("ebsd-peer-state")
        defer { try? FileManager.default.removeItem(atPath: state) }
        let map = state + "/map.ang"
        try MapFile.write(MapRoundTripTests().sample(), to: map)
        let clock = "import contextlib, json, sys, time; t0 = time.time()\nwith contextlib.redirect_stdout(sys.stderr): "
        let report = "\nprint(json.dumps({'start': t0, 'end': time.time()}))"
        let jobs: [[String]] = [
            ["-c", clock + "import orix.quaternion.symmetry" + report],
            ["-c", clock + "from orix import io; io.load('\(map)')" + report],
            ["-c", clock + "import pyebsdindex.band_detect" + report],
            ["-c", clock + "import orix.quaternion.symmetry" + report],
            ["-c", clock + "from orix import io; io.load('\(map)')" + report],
            ["-c", clock + "import pyebsdindex.band_detect" + report],
        ]
        let outcomes = Self.concurrently(jobs.count) { k in Result { try PeerPython.json(jobs[k], state: state) } }
        var spans: [Span] = []
        for outcome in outcomes {
            let json = try outcome.get()
            spans.append(Span(start: try #require(json.double("start")), end: try #require(json.double("end"))))
        }
        let ordered = spans.sorted { $0.start < $1.start }
        for (a, b) in zip(ordered, ordered.dropFirst()) {
            #expect(a.end <= b.start, "two peer processes ran at once: \(a) and \(b)")
        }
        let numba = try FileManager.default.subpathsOfDirectory(atPath: state + "/numba").filter { $0.hasSuffix(".nbi") }
        #expect(!numba.isEmpty, "numba's cache is in the state folder")
        #expect(FileManager.default.fileExists(atPath: state + "/home/.pyebsdindex/numbacache"), "PyEBSDIndex's cache too")
        let again = try PeerPython.run(["-c", "import orix.quaternion.symmetry; print('ok')"], state: state)
        #expect(again.text.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }

    /// A peer that fails fails the test with its stderr, not with a JSON parse error.
    @Test func failureCarriesStderr() throws {
        do {
            _ = try PeerPython.json(["-c", "import sys; print('the reason', file=sys.stderr); sys.exit(3)"])
            Issue.record("a failing peer did not throw")
        } catch let failure as ToolFailure {
            #expect(failure.status == 3 && !failure.signalled)
            #expect(failure.description.contains("the reason"), "\(failure)")
        }
        do {
            _ = try PeerPython.json(["-c", "import sys; print('not json'); print('why', file=sys.stderr)"])
            Issue.record("a peer printing no JSON did not throw")
        } catch let failure as ToolFailure {
            #expect(failure.description.contains("printed no JSON") && failure.description.contains("why"), "\(failure)")
        }
    }

    /// Runs `body(0..<count)` on `count` threads at once (not a pool that might run them two at a time); the results in order.
    static func concurrently<T>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let box = ResultSlots<T>(count)
        let group = DispatchGroup()
        for k in 0..<count {
            group.enter()
            Thread.detachNewThread {
                let r = body(k)
                box.lock.withLock { box.results[k] = r }
                group.leave()
            }
        }
        group.wait()
        return box.results.map { $0! }
    }
}

/// One result slot per thread of `PeerEnvironmentTests.concurrently`, written under a lock.
private final class ResultSlots<T>: @unchecked Sendable {
    var results: [T?]
    let lock = NSLock()
    init(_ n: Int) { results = Array(repeating: nil, count: n) }
}
