import Foundation
import Crystallography

/// A rotationally symmetric kernel on the unit sphere for pole-density estimation, normalised so that
/// ∫ k(∠(u, v)) dΩ(u) = 4π over the sphere: a density made of such kernels is in multiples of uniform density (MUD).
///
/// - Gaussian: k(ω) ∝ exp(−ω²/(2σ²)), with σ = halfWidth / √(2 ln 2) (halfWidth is the half width at half maximum).
/// - de la Vallée Poussin: k(ω) ∝ cos^{2κ}(ω/2) = ((1 + cos ω)/2)^κ, with κ = ln ½ / (2 ln cos(halfWidth/2)) so that
///   k(halfWidth) = k(0)/2 (the spherical form of MTEX's kernel).
public struct SphericalKernel: Sendable, Hashable {
    public enum Shape: String, Sendable, CaseIterable { case gaussian, delaValleePoussin = "de-la-vallee-poussin" }
    /// The density kernel unless given: a Gaussian of 5° half width (MTEX's and orix's usual choice).
    public static let defaultShape = Shape.gaussian, defaultHalfWidthDegrees = 5.0
    public static let standard = SphericalKernel(defaultShape, halfWidthDegrees: defaultHalfWidthDegrees)
    public let shape: Shape
    /// Half width at half maximum (radians).
    public let halfWidth: Double
    /// k(0); k(ω) = peak · profile(ω).
    public let peak: Double
    /// Beyond this angle the kernel is taken as 0 (below 10⁻⁶ of its peak).
    public let support: Double
    /// Gaussian σ and de la Vallée Poussin κ (radians, dimensionless).
    public let sigma: Double, kappa: Double

    public init(_ shape: Shape, halfWidthDegrees: Double) {
        self.shape = shape
        let h = halfWidthDegrees * .pi / 180
        halfWidth = h
        sigma = h / (2 * log(2.0)).squareRoot()
        kappa = log(0.5) / (2 * log(cos(h / 2)))
        let cutoff = 1e-6
        switch shape {
        case .gaussian: support = min(.pi, sigma * (-2 * log(cutoff)).squareRoot())
        case .delaValleePoussin: support = min(.pi, 2 * acos(pow(cutoff, 1 / (2 * kappa))))
        }
        // normalisation: 2π ∫₀^π profile(ω) sin ω dω · peak = 4π
        let steps = 20_000
        var integral = 0.0
        let s0 = sigma, k0 = kappa
        for i in 0..<steps {
            let w = (Double(i) + 0.5) * .pi / Double(steps)
            let p = shape == .gaussian ? exp(-w * w / (2 * s0 * s0)) : pow((1 + cos(w)) / 2, k0)
            integral += p * sin(w) * .pi / Double(steps)
        }
        peak = 2 / integral
    }

    /// k at cos ω = `cosine`.
    @inlinable public func value(cosine: Double) -> Double {
        let c = min(1, max(-1, cosine))
        switch shape {
        case .gaussian:
            let w = acos(c)
            return peak * exp(-w * w / (2 * sigma * sigma))
        case .delaValleePoussin: return peak * pow((1 + c) / 2, kappa)
        }
    }
}

extension SphericalKernel {
    /// The kernel tabulated on cos ω over its support, for densities that evaluate it millions of times.
    public struct Table: Sendable {
        /// cos of the kernel's support: below it the kernel is 0.
        public let cosSupport: Double
        @usableFromInline let scale: Double
        @usableFromInline let values: [Double]

        /// `size` + 1 values evenly spaced in cos ω from the support to 0°.
        public init(_ kernel: SphericalKernel, size: Int = SphericalKernel.Table.defaultSize) {
            cosSupport = cos(kernel.support)
            let c0 = cosSupport
            values = (0...size).map { kernel.value(cosine: c0 + (1 - c0) * Double($0) / Double(size)) }
            scale = Double(size) / (1 - cosSupport)
        }

        /// k at cos ω = `cosine` (0 beyond the support).
        @inlinable public func value(cosine: Double) -> Double {
            guard cosine >= cosSupport else { return 0 }
            return values[min(values.count - 1, Int((cosine - cosSupport) * scale))]
        }

        /// Entries of the table unless given (a 5° Gaussian: steps of 0.001° near its peak).
        public static let defaultSize = 8192
    }
}
