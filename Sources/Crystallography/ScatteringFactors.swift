import Foundation

/// Electron atomic scattering factors f_e(g) in ångström, from the
/// parametrisation of Lobato & Van Dyck (2014), Acta Cryst. A70, 636:
/// `f_e(g) = Σᵢ aᵢ (2 + bᵢ g²) / (1 + bᵢ g²)²`, g = 1/d in Å⁻¹.
public enum ScatteringFactors {
    /// The element symbol of atomic number `z` (1…103), or nil.
    public static func symbol(atomicNumber z: Int) -> String? { (1...symbols.count).contains(z) ? symbols[z - 1] : nil }

    /// Atomic number of an element symbol ("Na" → 11), or nil.
    public static func atomicNumber(_ symbol: String) -> Int? {
        let s = symbol.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { return nil }
        let norm = s.prefix(1).uppercased() + s.dropFirst().lowercased()
        return symbols.firstIndex(of: norm).map { $0 + 1 }
    }

    /// f_e in Å for element `symbol` at reciprocal length `g` (Å⁻¹, g = 1/d).
    public static func electron(_ symbol: String, g: Double) -> Double? {
        guard let z = atomicNumber(symbol) else { return nil }
        return electron(atomicNumber: z, g: g)
    }

    /// f_e in Å for atomic number `z` (1…103) at `g` (Å⁻¹), without the symbol lookup (for hot loops).
    @inlinable public static func electron(atomicNumber z: Int, g: Double) -> Double {
        let p = lobato[z - 1]
        let g2 = g * g
        var f = 0.0
        for i in 0..<5 {
            let bg = p[2 * i + 1] * g2
            f += p[2 * i] * (2 + bg) / ((1 + bg) * (1 + bg))
        }
        return f
    }
}
