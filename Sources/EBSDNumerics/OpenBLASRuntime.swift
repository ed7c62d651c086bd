import Foundation
import CBLAS

/// Makes Debian's OpenBLAS pick the right kernels.
///
/// Debian's dynamic-arch OpenBLAS detects some virtual CPUs as "Prescott" and
/// then runs sgemm 4–5× slower. It reads `OPENBLAS_CORETYPE` once, when the
/// library is loaded, before `main` runs — so setting it later is too late.
/// ``ensureCoreType(arguments:)`` therefore sets it from /proc/cpuinfo
/// (`SkylakeX` with AVX-512F, `Haswell` with AVX2) and re-executes the
/// program once, transparently. A value the user set is never changed.
public enum OpenBLASRuntime {
    /// The core type this machine should use, from /proc/cpuinfo flags, or nil.
    public static func recommendedCoreType(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> String? {
        guard let info = cpuinfo, let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        if flags.contains("avx512f") { return "SkylakeX" }
        if flags.contains("avx2") { return "Haswell" }
        return nil
    }

    /// Call first thing in `main`. Returns normally when nothing needs doing
    /// (variable already set, unknown CPU, or re-exec impossible).
    public static func ensureCoreType(arguments: [String] = CommandLine.arguments) {
        let env = ProcessInfo.processInfo.environment
        guard env["OPENBLAS_CORETYPE"] == nil, env["EBSD_OPENBLAS_REEXEC"] == nil,
            let core = recommendedCoreType()
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv("EBSD_OPENBLAS_REEXEC", "1", 1)
        var cargs: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cargs.append(nil)
        execv("/proc/self/exe", &cargs)
        // execv only returns on failure: carry on with the slow kernels.
        for p in cargs { free(p) }
    }

    /// The core OpenBLAS is running with (e.g. "Haswell").
    public static var activeCoreName: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }
}
