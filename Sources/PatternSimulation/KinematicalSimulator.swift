import EBSDCore
import Foundation
import Crystallography

/// Kinematical master patterns: every allowed reflector g of the phase with
/// d ≥ `minimumD` contributes a Kikuchi band — the directions v with
/// |v · ĝ| ≤ sin θ_B, θ_B its Bragg angle at the voltage — of height |F|²
/// (or |F|), summed over the sphere on the square-Lambert grid of both
/// hemispheres. Structure factors use the Lobato & Van Dyck electron
/// scattering factors of ``Crystallography`` with the phase's Debye–Waller
/// factors.
public struct KinematicalSimulator: Sendable {
    public enum Intensity: String, Sendable, CaseIterable { case structureFactorSquared = "f2", structureFactor = "f" }
    public var phase: Phase
    /// Accelerating voltage (kV).
    public var voltageKV: Double
    public var minimumD: Double = 0.1  // nm (1 Å)
    public var intensity = KinematicalSimulator.defaultIntensity
    /// Band weights |F|² unless asked otherwise.
    public static let defaultIntensity = Intensity.structureFactorSquared
    /// Master-pattern pixels per hemisphere side unless given (odd).
    public static let defaultMasterSize = 501
    public var debyeWaller = true

    public init(phase: Phase, voltageKV: Double) {
        self.phase = phase
        self.voltageKV = voltageKV
    }

    /// The bands: unit plane normals (Cartesian crystal frame), sin θ_B and weight. g and −g are one band.
    public func bands() -> [(normal: Vector3, sinTheta: Double, weight: Double)] {
        var out: [(Vector3, Double, Double)] = []
        for f in phase.reflectorFamilies(minimumD: minimumD, debyeWaller: debyeWaller) {
            let w = intensity == .structureFactorSquared ? f.structureFactor * f.structureFactor : f.structureFactor
            let s = sin(f.braggAngle(voltage: voltageKV * 1000))
            var seen: [Vector3] = []
            for m in f.members {
                let n = phase.lattice.reciprocalVector(Double(m[0]), Double(m[1]), Double(m[2])).unit
                if seen.contains(where: { ($0 + n).norm < 1e-9 }) { continue }
                seen.append(n)
                out.append((n, s, w))
            }
        }
        return out
    }

    /// Simulates an n × n master pattern per hemisphere (n odd), scaled to a maximum of 1.
    public func masterPattern(size n: Int = KinematicalSimulator.defaultMasterSize) -> MasterPattern {
        precondition(n >= 3 && n % 2 == 1, "size must be odd")
        let b = bands()
        let nx = b.map { Float($0.normal.x) }, ny = b.map { Float($0.normal.y) }, nz = b.map { Float($0.normal.z) }
        let st = b.map { Float($0.sinTheta) }, wt = b.map { Float($0.weight) }
        var north = [Float](repeating: 0, count: n * n)
        let scale = Double(n - 1) / 2
        north.withUnsafeMutableBufferPointer { buf in
            let out = UncheckedPointer(buf.baseAddress!)
            parallelFor(n) { i in
                for j in 0..<n {
                    let v = SquareLambert.direction(x: Double(j) / scale - 1, y: Double(i) / scale - 1).unit
                    let vx = Float(v.x), vy = Float(v.y), vz = Float(v.z)
                    var s: Float = 0
                    for k in 0..<nx.count where abs(vx * nx[k] + vy * ny[k] + vz * nz[k]) <= st[k] { s += wt[k] }
                    out.p[i * n + j] = s
                }
            }
        }
        // South: direction (x, y, −z). For centrosymmetric intensities (Friedel's law
        // holds kinematically) the sum over ±g bands makes both hemispheres identical in
        // the square; compute it anyway so non-centrosymmetric band sets stay right.
        var south = [Float](repeating: 0, count: n * n)
        south.withUnsafeMutableBufferPointer { buf in
            let out = UncheckedPointer(buf.baseAddress!)
            parallelFor(n) { i in
                for j in 0..<n {
                    var v = SquareLambert.direction(x: Double(j) / scale - 1, y: Double(i) / scale - 1).unit
                    v.z = -v.z
                    let vx = Float(v.x), vy = Float(v.y), vz = Float(v.z)
                    var s: Float = 0
                    for k in 0..<nx.count where abs(vx * nx[k] + vy * ny[k] + vz * nz[k]) <= st[k] { s += wt[k] }
                    out.p[i * n + j] = s
                }
            }
        }
        return .simulated(
            phase, size: n, north: north, south: south, voltageKV: voltageKV,
            model: "kinematical, hard-edged Kikuchi bands of Bragg width, weight \(intensity == .structureFactor ? "|F|" : "|F|^2")",
            minimumD: minimumD, reflectors: b.count, generator: "SwiftEBSD KinematicalSimulator 1")
    }
}
