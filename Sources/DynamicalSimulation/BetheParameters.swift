import Foundation
import CBLAS
import Crystallography
import EBSDNumerics

/// Beam selection for the Bloch-wave solver (the Bethe-potential scheme):
/// a reflection g with excitation error s_g and potential U_g has the
/// dimensionless distance r_g = K|s_g| / |U_g| = |s_g|/(λ|U_g|) from the
/// Ewald sphere (the ratio EMsoft's Bethe parameters c1, c2 cut; 1/(2r_g) is
/// the two-beam mixing amplitude). Beams with r_g < `strong` (and
/// |s_g| ≤ `maximumExcitationError`) enter the structure matrix; beams with
/// r_g < `weak` are folded into it by second-order perturbation (Bethe
/// potentials); the rest are ignored.
public struct BetheParameters: Sendable, Hashable, Codable {
    public var strong: Double = 16
    public var weak: Double = 32
    /// nm⁻¹
    public var maximumExcitationError: Double = 1
    public init(strong: Double = 16, weak: Double = 32, maximumExcitationError: Double = 1) {
        self.strong = strong
        self.weak = weak
        self.maximumExcitationError = maximumExcitationError
    }
}
