import Foundation

/// Electron-optical quantities. Constants: CODATA 2022.
public enum Electron {
    public static let planck = 6.62607015e-34  // J s
    public static let restMass = 9.1093837139e-31  // kg
    public static let charge = 1.602176634e-19  // C
    public static let speedOfLight = 299_792_458.0  // m/s
    /// The accelerating voltage assumed where a file or user gives none (kV): 20 kV, the reference study's.
    public static let defaultVoltageKV = 20.0

    /// Relativistic wavelength in nm for an accelerating voltage in volts:
    /// `λ = h / sqrt(2 m0 e V (1 + e V / (2 m0 c²)))`.
    public static func wavelength(voltage v: Double) -> Double {
        let eV = charge * v
        let p = (2 * restMass * eV * (1 + eV / (2 * restMass * speedOfLight * speedOfLight))).squareRoot()
        return planck / p * 1e9
    }

    /// Bragg angle θ (radians) for spacing `d` (nm) at `voltage` (V): `asin(λ / 2d)`.
    public static func braggAngle(d: Double, voltage: Double) -> Double {
        asin(wavelength(voltage: voltage) / (2 * d))
    }
}
