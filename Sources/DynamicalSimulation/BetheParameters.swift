import Foundation
import Crystallography

/// Beam selection for the Bloch-wave solver, with EMsoft's Bethe parameters and EMsoft's meaning (Callahan & De
/// Graef 2013; EMsoft's `BetheParameters.nml`: c1, c2, c3; `Initialize_ReflectionList` and `Apply_BethePotentials`).
///
/// For one beam direction, with s_g the excitation error, U_g the Fourier coefficient of the potential (nm⁻²) and λ
/// the electron wavelength inside the crystal:
/// - a reflection g is a candidate when |s_g| / (λ|U_g|) ≤ `cutoff` (c3);
/// - its Bethe ratio is m_g = min over candidates h (the zero beam and g itself included) of |s_g| / (λ|U_{g−h}|).
///   The term h = g is U₀, the mean inner potential, which is the largest coefficient (|U_{g−h}| ≤ U₀ for positive,
///   decreasing scattering factors), so m_g = |s_g| / (λU₀): EMsoft's classification is in effect a cut on |s_g|;
/// - m_g ≤ `strong` (c1): a beam of the structure matrix; m_g ≤ `weak` (c2): folded in by second-order perturbation
///   (Bethe potentials); otherwise ignored.
///
/// EMsoft's defaults (4, 8, 50) are the defaults here. EMsoft's fourth parameter, sgdbdiff, applies to reflections
/// allowed by the lattice but with zero structure factor (double diffraction); the solver leaves those out (their U_g
/// is zero), so it has no counterpart.
public struct BetheParameters: Sendable, Hashable, Codable {
    /// c1: the largest Bethe ratio of a strong beam.
    public var strong: Double
    /// c2: the largest Bethe ratio of a weak beam.
    public var weak: Double
    /// c3: the largest |s_g| / (λ|U_g|) of a candidate reflection.
    public var cutoff: Double

    /// EMsoft's defaults: c1 = 4, c2 = 8, c3 = 50.
    public static let emsoftDefaults = BetheParameters(strong: 4, weak: 8, cutoff: 50)

    public init(strong: Double = 4, weak: Double = 8, cutoff: Double = 50) {
        self.strong = strong
        self.weak = weak
        self.cutoff = cutoff
    }

    /// Refuses parameters EMsoft would not accept: they must be positive and strictly increasing (c1 < c2 < c3).
    public func validate() throws(DynamicalSimulationError) {
        guard strong > 0, strong < weak, weak < cutoff else {
            throw .invalidParameter(
                "Bethe parameters must satisfy 0 < strong < weak < cutoff (EMsoft's c1 < c2 < c3), got \(strong), \(weak), \(cutoff)")
        }
    }
}
