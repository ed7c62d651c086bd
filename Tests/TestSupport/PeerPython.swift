import Foundation

/// The peer tools (orix, kikuchipy, PyEBSDIndex from PyPI, pinned in the Makefile) as the tests run them: the
/// interpreter of the virtual environment `make peers` makes (`.build/peers`, or `$EBSD_PEER_VENV`), always through
/// `Tests/Scripts/peer-python`, which keeps every on-disk cache (numba's, PyEBSDIndex's, matplotlib's) inside
/// that environment and lets one peer process run at a time, so concurrent tests never write a cache at once.
///
/// A test that compares with a peer is enabled with `PeerPython.has("orix")`; where the environment is missing
/// it is skipped with the reason. Once it runs, a peer that fails fails the test with its stderr.
public enum PeerPython {
    /// The wrapper every peer process starts through.
    public static let wrapper = SharedData.packageRoot.appendingPathComponent("Tests/Scripts/peer-python").path

    /// The virtual environment the wrapper uses.
    public static let environment: String = ProcessInfo.processInfo.environment["EBSD_PEER_VENV"]
        ?? SharedData.packageRoot.appendingPathComponent(".build/peers").path

    /// The peer modules the environment holds, found once (by import spec: nothing is imported, nothing compiled).
    static let installed: Set<String> = {
        let modules = ["orix", "kikuchipy", "pyebsdindex", "h5py", "tifffile", "numpy", "PIL"]
        let probe = "import importlib.util, sys; print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m)))"
        guard let out = try? run(["-c", probe] + modules) else { return [] }
        return Set(out.text.split(whereSeparator: \.isWhitespace).map(String.init))
    }()

    /// True when the peer environment has every one of `modules`.
    public static func has(_ modules: String...) -> Bool { modules.allSatisfy(installed.contains) }

    /// The peer scripts' folder.
    public static func script(_ name: String) -> String {
        SharedData.packageRoot.appendingPathComponent("Tests/Scripts/\(name)").path
    }

    /// Runs the peer interpreter with `arguments`; a `ToolFailure` with its stderr tail when it fails.
    /// `state` puts the caches and the lock in another folder (a cold cache for the concurrency test).
    public static func run(_ arguments: [String], state: String? = nil) throws -> ToolOutput {
        try ToolRun.run([wrapper] + arguments, environment: state.map { ["EBSD_PEER_STATE": $0] } ?? [:])
    }

    /// Runs the peer interpreter and parses the JSON object it prints.
    public static func json(_ arguments: [String], state: String? = nil) throws -> [String: Any] {
        try run(arguments, state: state).json()
    }
}
