import Foundation
import EBSDNumerics

/// The machine a bench run measured: date, CPU model, cores, and the instruction sets the hot loops used (the int8
/// matching kernel, OpenBLAS's core type), stated above every table the bench writes.
struct BenchMachine {
    let date = ISO8601DateFormatter().string(from: Date())
    let cpuModel: String
    /// What the measured code ran on: int8 kernel, OpenBLAS core, and the AVX-512 features the CPU reports.
    let instructionSets: String

    init() {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let lines = info.split(separator: "\n")
        let model = lines.first { $0.hasPrefix("model name") }?.split(separator: ":", maxSplits: 1).last
        cpuModel = model?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let flags = Set(lines.first { $0.hasPrefix("flags") }.map { $0.split(separator: " ").map(String.init) } ?? [])
        let avx512 = ["avx512f", "avx512bw", "avx512_vnni", "avx512_bf16"].filter(flags.contains)
        let kernel = Int8Gemm.vnniAvailable ? "int8 matching on AVX-512 VNNI (vpdpbusd)" : "no VNNI: float32 matching only"
        let core = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "auto"
        instructionSets = "\(kernel); OpenBLAS core \(core); Swift SIMD built for AVX2+FMA; CPU AVX-512: "
            + (avx512.isEmpty ? "none" : avx512.joined(separator: " "))
    }

    /// Markdown lines naming the machine.
    var markdownHeader: String {
        "Measured \(date) by `make bench` on \(cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) cores. Instruction sets: "
            + "\(instructionSets)."
    }
}
