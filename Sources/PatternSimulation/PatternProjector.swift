import EBSDCore
import Foundation
import Crystallography
import DetectorGeometry

/// Projects a master pattern onto a detector for many orientations: the
/// kernel that dictionary indexing and refinement call millions of times.
///
/// Per PC, the unit direction of every detector pixel in the sample frame is
/// computed once; a pattern is then, for each pixel, the master-pattern
/// intensity (bilinear, both hemispheres) in the crystal direction `g v`.
/// Work is spread over all cores.
public struct PatternProjector: Sendable {
    public let master: MasterPattern
    public let detector: Detector
    /// Per PC: the x, then y, then z components of every pixel's sample-frame direction
    /// (structure of arrays, padded to a multiple of 8 for the SIMD loop).
    let directions: [[Float]]
    let padded: Int

    public init(master: MasterPattern, detector: Detector) {
        self.master = master
        self.detector = detector
        let np = detector.pixelCount, pn = (np + 7) / 8 * 8
        padded = pn
        directions = detector.pcs.indices.map { i in
            var soa = [Float](repeating: 0, count: 3 * pn)
            for (k, v) in detector.sampleDirections(pcIndex: i).enumerated() {
                soa[k] = Float(v.x)
                soa[pn + k] = Float(v.y)
                soa[2 * pn + k] = Float(v.z)
            }
            for k in np..<pn { soa[2 * pn + k] = 1 }
            return soa
        }
    }

    /// One pattern (rows × columns floats) for orientation `g`, with map pixel `pcIndex`'s PC.
    public func pattern(_ g: Rotation, pcIndex: Int = 0) -> [Float] {
        var out = [Float](repeating: 0, count: detector.pixelCount)
        out.withUnsafeMutableBufferPointer { render(g, pcIndex: pcIndex, into: $0.baseAddress!) }
        return out
    }

    /// Patterns for many orientations, row-major `[n × pixels]`. With one PC
    /// per map pixel, `pcIndices[k]` picks the PC of pattern k.
    public func patterns(_ rotations: [Rotation], pcIndices: [Int]? = nil) -> [Float] {
        let np = detector.pixelCount
        var out = [Float](repeating: 0, count: rotations.count * np)
        out.withUnsafeMutableBufferPointer { buf in
            let base = UncheckedPointer(buf.baseAddress!)
            parallelFor(rotations.count) { k in
                render(rotations[k], pcIndex: pcIndices?[k] ?? (detector.pcs.count == 1 ? 0 : k), into: base.p + k * np)
            }
        }
        return out
    }

    /// Renders into caller-owned memory (no allocation). Eight pixels at a time: the
    /// crystal direction `g v`, the square Lambert map (Roşca 2010) with a polynomial
    /// arctangent (|error| < 2e-5 rad, far below a master-pattern pixel), then a bilinear
    /// look-up in the north or south page.
    public func render(_ g: Rotation, pcIndex: Int, into out: UnsafeMutablePointer<Float>) {
        let e = g.matrix.m
        let m00 = Float(e[0]), m01 = Float(e[1]), m02 = Float(e[2]), m10 = Float(e[3]), m11 = Float(e[4]), m12 = Float(e[5])
        let m20 = Float(e[6]), m21 = Float(e[7]), m22 = Float(e[8])
        let dirs = directions[detector.pcs.count == 1 ? 0 : pcIndex]
        let n = master.size, np = detector.pixelCount, pn = padded
        let scale = Float(n - 1) / 2
        let fourOverPi = SIMD8<Float>(repeating: Float(4 / Double.pi))
        master.north.withUnsafeBufferPointer { north in
            master.south.withUnsafeBufferPointer { south in
                dirs.withUnsafeBufferPointer { d in
                    let dx = d.baseAddress!, dy = dx + pn, dz = dx + 2 * pn
                    var rows = SIMD8<Float>(), cols = SIMD8<Float>(), zs = SIMD8<Float>()
                    var p = 0
                    while p < np {
                        let sx = UnsafeRawPointer(dx + p).loadUnaligned(as: SIMD8<Float>.self)
                        let sy = UnsafeRawPointer(dy + p).loadUnaligned(as: SIMD8<Float>.self)
                        let sz = UnsafeRawPointer(dz + p).loadUnaligned(as: SIMD8<Float>.self)
                        let x = m00 * sx + m01 * sy + m02 * sz
                        let y = m10 * sx + m11 * sy + m12 * sz
                        let z = m20 * sx + m21 * sy + m22 * sz
                        let zero = SIMD8<Float>(repeating: 0), one = SIMD8<Float>(repeating: 1)
                        let ax = x.replacing(with: -x, where: x .< zero), ay = y.replacing(with: -y, where: y .< zero)
                        let az = z.replacing(with: -z, where: z .< zero)
                        let s = (one - az).replacing(with: zero, where: az .> one).squareRoot()
                        let xMajor = ay .<= ax
                        let major = x.replacing(with: y, where: .!xMajor)
                        let minor = y.replacing(with: x, where: .!xMajor)
                        let amaj = ax.replacing(with: ay, where: .!xMajor)
                        let t = (minor / major).replacing(with: zero, where: amaj .== zero)
                        let sgn = one.replacing(with: -one, where: major .< zero)
                        let a = sgn * s
                        let b = a * fourOverPi * Self.atanUnit(t)
                        let X = b.replacing(with: a, where: xMajor), Y = a.replacing(with: b, where: xMajor)
                        rows = Y * scale + scale
                        cols = X * scale + scale
                        zs = z
                        let count = min(8, np - p)
                        for l in 0..<count {
                            out[p + l] = MasterPattern.bilinear(zs[l] >= 0 ? north : south, size: n, row: rows[l], column: cols[l])
                        }
                        p += 8
                    }
                }
            }
        }
    }

    /// arctan on [−1, 1] by an odd minimax polynomial (|error| < 2e-5 rad).
    @inline(__always) static func atanUnit(_ t: SIMD8<Float>) -> SIMD8<Float> {
        let t2 = t * t
        var r = SIMD8<Float>(repeating: -0.0117212)
        r = r * t2 + 0.05265332
        r = r * t2 - 0.11643287
        r = r * t2 + 0.19354346
        r = r * t2 - 0.33262347
        r = r * t2 + 0.99997726
        return r * t
    }
}
