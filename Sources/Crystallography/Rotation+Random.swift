import Foundation

extension Rotation {
    /// A uniformly random rotation (Shoemake 1992, "Uniform random rotations"), drawn from `rng`
    /// with three uniform numbers in [0, 1).
    public static func random<G: RandomNumberGenerator>(using rng: inout G) -> Rotation {
        let u1 = Double.random(in: 0..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng)
        let u3 = Double.random(in: 0..<1, using: &rng)
        let a = (1 - u1).squareRoot(), b = u1.squareRoot()
        return Rotation(Quaternion(a * sin(2 * .pi * u2), a * cos(2 * .pi * u2), b * sin(2 * .pi * u3), b * cos(2 * .pi * u3)))
    }
}
