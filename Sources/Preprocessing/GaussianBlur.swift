import Foundation
import EBSDNumerics

/// Gaussian blur of a rows × columns image through FFTW, with the image
/// extended by edge replication ("nearest") so the borders are not darkened;
/// the kernel is truncated at `truncate` standard deviations and normalised
/// to sum 1. Plans and the kernel spectrum are made once; `apply` is
/// thread-safe.
public final class GaussianBlur: @unchecked Sendable {
    public let rows: Int, columns: Int
    public let sigma: Double
    public let radius: Int
    let paddedRows: Int, paddedColumns: Int
    let fft: FFT2D
    let kernelSpectrum: [Float]

    public init(rows: Int, columns: Int, sigma: Double, truncate: Double = 4) {
        precondition(sigma > 0)
        self.rows = rows
        self.columns = columns
        self.sigma = sigma
        radius = max(1, Int(truncate * sigma + 0.5))
        paddedRows = rows + 2 * radius
        paddedColumns = columns + 2 * radius
        fft = FFT2D(rows: paddedRows, columns: paddedColumns)
        var k = [Float](repeating: 0, count: paddedRows * paddedColumns)
        var sum = 0.0
        for dy in -radius...radius {
            for dx in -radius...radius {
                let w = exp(-Double(dx * dx + dy * dy) / (2 * sigma * sigma))
                sum += w
                let r = (dy + paddedRows) % paddedRows, c = (dx + paddedColumns) % paddedColumns
                k[r * paddedColumns + c] = Float(w)
            }
        }
        let n = Float(paddedRows * paddedColumns)
        for i in k.indices { k[i] = k[i] / Float(sum) / n }  // 1/n undoes FFTW's unnormalised inverse
        var spec = [Float](repeating: 0, count: 2 * fft.spectrumCount)
        fft.forward(k, into: &spec)
        kernelSpectrum = spec
    }

    /// The blurred image.
    public func apply(_ image: [Float]) -> [Float] {
        precondition(image.count == rows * columns)
        let pr = paddedRows, pc = paddedColumns, r0 = radius
        var padded = [Float](repeating: 0, count: pr * pc)
        for r in 0..<pr {
            let sr = min(rows - 1, max(0, r - r0))
            for c in 0..<pc {
                let sc = min(columns - 1, max(0, c - r0))
                padded[r * pc + c] = image[sr * columns + sc]
            }
        }
        var spec = [Float](repeating: 0, count: 2 * fft.spectrumCount)
        fft.forward(padded, into: &spec)
        for i in 0..<fft.spectrumCount {
            let a = spec[2 * i], b = spec[2 * i + 1], c = kernelSpectrum[2 * i], d = kernelSpectrum[2 * i + 1]
            spec[2 * i] = a * c - b * d
            spec[2 * i + 1] = a * d + b * c
        }
        fft.inverse(spec, into: &padded)
        var out = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows { for c in 0..<columns { out[r * columns + c] = padded[(r + r0) * pc + c + r0] } }
        return out
    }
}
