import Foundation
import Testing
@testable import EBSDNumerics

@Suite struct NumericsTests {
    @Test func coreTypeFromCpuinfo() {
        #expect(OpenBLASRuntime.recommendedCoreType(cpuinfo: "processor: 0\nflags\t\t: fpu sse avx2 fma avx512f\n") == "SkylakeX")
        #expect(OpenBLASRuntime.recommendedCoreType(cpuinfo: "flags\t\t: fpu sse avx avx2 fma\n") == "Haswell")
        #expect(OpenBLASRuntime.recommendedCoreType(cpuinfo: "flags\t\t: fpu sse\n") == nil)
    }

    @Test func gemmMatchesNaiveProduct() {
        let m = 37, n = 23, k = 61
        let a = (0..<(m * k)).map { Float(($0 * 31) % 17) / 17 - 0.5 }
        let b = (0..<(n * k)).map { Float(($0 * 13) % 19) / 19 - 0.5 }
        let c = Gemm.rowsDotRows(a, m: m, b, n: n, k: k)
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for t in 0..<k { s += a[i * k + t] * b[j * k + t] }
                worst = max(worst, abs(s - c[i * n + j]))
            }
        }
        #expect(worst < 1e-4)
    }

    @Test func fftOfDeltaIsFlatAndInverts() {
        let fft = FFT2D(rows: 6, columns: 8)
        var x = [Float](repeating: 0, count: 48)
        x[0] = 1
        var spec = [Float](repeating: 0, count: 2 * fft.spectrumCount)
        fft.forward(x, into: &spec)
        for i in 0..<fft.spectrumCount { #expect(abs(spec[2 * i] - 1) < 1e-6 && abs(spec[2 * i + 1]) < 1e-6) }
        let y = (0..<48).map { Float(sin(Double($0) * 0.7)) }
        fft.forward(y, into: &spec)
        var back = [Float](repeating: 0, count: 48)
        fft.inverse(spec, into: &back)
        for i in 0..<48 { #expect(abs(back[i] / 48 - y[i]) < 1e-5) }
    }

    /// Plans are made from many threads at once (Swift Testing runs tests in parallel too).
    @Test func concurrentPlanningIsSafe() async {
        await withTaskGroup(of: Float.self) { g in
            for t in 0..<32 {
                g.addTask {
                    let fft = FFT2D(rows: 16 + t % 5, columns: 20 + t % 7)
                    var x = [Float](repeating: 0, count: fft.rows * fft.columns)
                    x[0] = 1
                    var s = [Float](repeating: 0, count: 2 * fft.spectrumCount)
                    fft.forward(x, into: &s)
                    return s[0]
                }
            }
            for await v in g { #expect(abs(v - 1) < 1e-6) }
        }
    }
}

/// The quadratic-model ascent on a correlated Gaussian peak (the shape of an NCC around the
/// right orientation): it must find the known maximum from 1° away, in at most 41 evaluations.
@Suite struct QuadraticModelAscentTests {
    @Test func findsCorrelatedGaussianPeak() {
        let d = Double.pi / 180
        let peak = SIMD3<Double>(0.6 * d, -0.5 * d, 0.3 * d)
        // inverse covariance with strong off-diagonal terms (widths ~0.5°)
        let m: [[Double]] = [[1.0, 0.5, 0.2], [0.5, 1.2, -0.3], [0.2, -0.3, 0.8]].map { $0.map { $0 / (0.5 * d * 0.5 * d) } }
        func f(_ x: SIMD3<Double>) -> Double {
            let u = x - peak
            var q = 0.0
            for i in 0..<3 { for j in 0..<3 { q += u[i] * m[i][j] * u[j] } }
            return 0.4 * exp(-0.5 * q) + 0.05
        }
        let qm = QuadraticModelAscent(initialStep: d, finalStep: 0.1 * d, shrink: 3)
        let r = qm.maximize(f, start: .zero)
        let err = ((r.x - peak) * (r.x - peak)).sum().squareRoot() / d
        #expect(err < 0.01, "error \(err)°")
        #expect(r.evaluations <= 61)
        #expect(abs(r.value - 0.45) < 1e-4)
    }
}
