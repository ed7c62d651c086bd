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
    let directions: [[Float]]   // per PC: x, y, z interleaved

    public init(master: MasterPattern, detector: Detector) {
        self.master = master
        self.detector = detector
        directions = detector.pcs.indices.map { i in
            detector.sampleDirections(pcIndex: i).flatMap { [Float($0.x), Float($0.y), Float($0.z)] }
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
            let base = UncheckedPointer(p: buf.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: rotations.count) { k in
                render(rotations[k], pcIndex: pcIndices?[k] ?? (detector.pcs.count == 1 ? 0 : k), into: base.p + k * np)
            }
        }
        return out
    }

    /// Renders into caller-owned memory (no allocation).
    public func render(_ g: Rotation, pcIndex: Int, into out: UnsafeMutablePointer<Float>) {
        let m = g.matrix.m.map { Float($0) }
        let dirs = directions[detector.pcs.count == 1 ? 0 : pcIndex]
        let n = master.size
        let scale = Float(n - 1) / 2
        let fourOverPi = Float(4 / Double.pi)
        master.north.withUnsafeBufferPointer { north in master.south.withUnsafeBufferPointer { south in dirs.withUnsafeBufferPointer { d in
            for p in 0..<detector.pixelCount {
                let sx = d[3 * p], sy = d[3 * p + 1], sz = d[3 * p + 2]
                let x = m[0] * sx + m[1] * sy + m[2] * sz
                let y = m[3] * sx + m[4] * sy + m[5] * sz
                let z = m[6] * sx + m[7] * sy + m[8] * sz
                let az = abs(z)
                let s = max(0, 1 - az).squareRoot()
                var X: Float, Y: Float
                if abs(y) <= abs(x) {
                    let sgn: Float = x < 0 ? -1 : 1
                    X = sgn * s
                    Y = x == 0 ? 0 : sgn * s * fourOverPi * atanf(y / x)
                } else {
                    let sgn: Float = y < 0 ? -1 : 1
                    X = sgn * s * fourOverPi * atanf(x / y)
                    Y = sgn * s
                }
                out[p] = MasterPattern.bilinear(z >= 0 ? north : south, size: n, row: Y * scale + scale, column: X * scale + scale)
            }
        } } }
    }
}

struct UncheckedPointer<T>: @unchecked Sendable { let p: UnsafeMutablePointer<T> }
