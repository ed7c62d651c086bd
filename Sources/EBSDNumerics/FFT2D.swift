import CFFTW
import Synchronization

/// FFTW's planner keeps global state and is not thread-safe; every plan in
/// this library is created and destroyed under this one lock. Executing a
/// plan on new arrays (`fftwf_execute_dft_*`) is thread-safe and needs no lock.
let fftwPlannerLock = Mutex(())

/// A real 2-D FFT of fixed size (rows × columns, single precision) with its
/// forward (r2c) and inverse (c2r) plans. The spectrum has
/// rows × (columns/2 + 1) complex values; the inverse is unnormalised (FFTW
/// convention), so forward then inverse multiplies by rows × columns.
/// Safe to use from many threads at once with separate buffers.
public final class FFT2D: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    public var spectrumCount: Int { rows * (columns / 2 + 1) }
    let forwardPlan: fftwf_plan
    let inversePlan: fftwf_plan

    public init(rows: Int, columns: Int) {
        precondition(rows > 0 && columns > 0)
        self.rows = rows
        self.columns = columns
        let n = rows * columns, nc = rows * (columns / 2 + 1)
        (forwardPlan, inversePlan) = fftwPlannerLock.withLock { _ in
            let real = fftwf_alloc_real(n)!, cplx = fftwf_alloc_complex(nc)!
            defer {
                fftwf_free(real)
                fftwf_free(cplx)
            }
            let f = fftwf_plan_dft_r2c_2d(Int32(rows), Int32(columns), real, cplx, UInt32(FFTW_ESTIMATE))!
            let i = fftwf_plan_dft_c2r_2d(Int32(rows), Int32(columns), cplx, real, UInt32(FFTW_ESTIMATE))!
            return (f, i)
        }
    }

    deinit {
        fftwPlannerLock.withLock { _ in
            fftwf_destroy_plan(forwardPlan)
            fftwf_destroy_plan(inversePlan)
        }
    }

    /// Forward transform of `input` (rows × columns) into interleaved complex `output` (2 × spectrumCount floats).
    public func forward(_ input: [Float], into output: inout [Float]) {
        precondition(input.count == rows * columns && output.count == 2 * spectrumCount)
        // FFTW's new-array execute requires the same alignment as at planning; fftwf_malloc'd buffers guarantee it.
        let real = fftwf_alloc_real(rows * columns)!, cplx = fftwf_alloc_complex(spectrumCount)!
        defer {
            fftwf_free(real)
            fftwf_free(cplx)
        }
        input.withUnsafeBufferPointer { real.update(from: $0.baseAddress!, count: input.count) }
        fftwf_execute_dft_r2c(forwardPlan, real, cplx)
        UnsafeMutableRawPointer(cplx).withMemoryRebound(to: Float.self, capacity: 2 * spectrumCount) { p in
            output.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: p, count: 2 * spectrumCount) }
        }
    }

    /// Inverse transform (unnormalised) of interleaved complex `input` into `output` (rows × columns).
    public func inverse(_ input: [Float], into output: inout [Float]) {
        precondition(input.count == 2 * spectrumCount && output.count == rows * columns)
        let real = fftwf_alloc_real(rows * columns)!, cplx = fftwf_alloc_complex(spectrumCount)!
        defer {
            fftwf_free(real)
            fftwf_free(cplx)
        }
        UnsafeMutableRawPointer(cplx).withMemoryRebound(to: Float.self, capacity: 2 * spectrumCount) { p in
            input.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: input.count) }
        }
        fftwf_execute_dft_c2r(inversePlan, cplx, real)
        output.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: real, count: rows * columns) }
    }
}
