import Foundation

/// Element data beyond the scattering factors: standard atomic weights
/// (IUPAC 2021 abridged values, g/mol) for the elements of the metals,
/// oxides and alloys this library is used on (Z = 1…42 and common heavier
/// alloying elements), and the mass density of a phase computed from its cell.
public enum Elements {
    static let weights: [String: Double] = [
        "H": 1.008, "He": 4.0026, "Li": 6.94, "Be": 9.0122, "B": 10.81, "C": 12.011, "N": 14.007, "O": 15.999,
        "F": 18.998, "Ne": 20.180, "Na": 22.990, "Mg": 24.305, "Al": 26.982, "Si": 28.085, "P": 30.974, "S": 32.06,
        "Cl": 35.45, "Ar": 39.95, "K": 39.098, "Ca": 40.078, "Sc": 44.956, "Ti": 47.867, "V": 50.942, "Cr": 51.996,
        "Mn": 54.938, "Fe": 55.845, "Co": 58.933, "Ni": 58.693, "Cu": 63.546, "Zn": 65.38, "Ga": 69.723, "Ge": 72.630,
        "As": 74.922, "Se": 78.971, "Br": 79.904, "Kr": 83.798, "Rb": 85.468, "Sr": 87.62, "Y": 88.906, "Zr": 91.224,
        "Nb": 92.906, "Mo": 95.95, "Ag": 107.87, "Cd": 112.41, "In": 114.82, "Sn": 118.71, "Hf": 178.49, "Ta": 180.95,
        "W": 183.84, "Re": 186.21, "Ir": 192.22, "Pt": 195.08, "Au": 196.97, "Pb": 207.2,
    ]

    /// Standard atomic weight (g/mol) of an element symbol, or nil if not tabulated.
    public static func atomicWeight(_ symbol: String) -> Double? {
        guard let z = ScatteringFactors.atomicNumber(symbol) else { return nil }
        return weights[ScatteringFactors.symbols[z - 1]]
    }
}

extension Phase {
    /// Mass density in g/cm³ from the conventional cell (occupancies included),
    /// or nil when an element has no tabulated atomic weight.
    public var density: Double? {
        var mass = 0.0
        for a in unitCellAtoms {
            guard let w = Elements.atomicWeight(a.element) else { return nil }
            mass += a.occupancy * w
        }
        let volumeCm3 = lattice.volume * 1e-21  // nm³ → cm³
        return mass / 6.02214076e23 / volumeCm3
    }
}
