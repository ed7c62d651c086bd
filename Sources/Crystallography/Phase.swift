import Foundation

/// A crystalline phase: name, space group, lattice and the atoms of the
/// asymmetric unit. The Laue group used for orientations follows from the
/// space group (or is given directly for phases read from map files, where
/// only the symmetry is known).
///
/// Example: `Phase.sodium.laueGroup == .cubicHigh`, and
/// `Phase.sodium.unitCellAtoms.count == 2` (bcc).
public struct Phase: Hashable, Sendable, Codable {
    public var name: String
    /// International Tables number; 0 when unknown (e.g. a map file gives only the Laue group).
    public var spaceGroupNumber: Int
    public var lattice: Lattice
    /// Asymmetric-unit atoms.
    public var atoms: [Atom]
    public var laueGroup: LaueGroup
    /// Optional chemical formula / display colour carried through map files.
    public var formula: String

    public init(
        name: String, spaceGroupNumber: Int, lattice: Lattice, atoms: [Atom] = [], laueGroup: LaueGroup? = nil, formula: String = ""
    ) {
        self.name = name
        self.spaceGroupNumber = spaceGroupNumber
        self.lattice = lattice
        self.atoms = atoms
        self.laueGroup = laueGroup ?? SpaceGroup.laueGroup(forNumber: spaceGroupNumber) ?? .triclinic
        self.formula = formula.isEmpty ? name : formula
    }

    public var spaceGroup: SpaceGroup? { SpaceGroup(number: spaceGroupNumber) }

    /// All atoms of the conventional cell, generated with the space-group operations.
    public var unitCellAtoms: [Atom] {
        guard let sg = spaceGroup else { return atoms }
        return atoms.flatMap { a in
            sg.equivalentPositions(a.position).map { Atom(a.element, $0, occupancy: a.occupancy, debyeWallerB: a.debyeWallerB) }
        }
    }
}

extension Phase {
    // Built-in phases. Lattice parameters as in the reference study and
    // standard tables; B factors are approximate room-temperature values
    // (Å²) for later dynamical simulations — the kinematical reflector list
    // can be computed with or without them.
    public static let sodium = Phase(
        name: "Na", spaceGroupNumber: 229, lattice: .cubic(0.42906),
        atoms: [Atom("Na", [0, 0, 0], debyeWallerB: 5.0)])
    public static let lithium = Phase(
        name: "Li", spaceGroupNumber: 229, lattice: .cubic(0.35093),
        atoms: [Atom("Li", [0, 0, 0], debyeWallerB: 3.0)])
    public static let aluminium = Phase(
        name: "Al", spaceGroupNumber: 225, lattice: .cubic(0.40495),
        atoms: [Atom("Al", [0, 0, 0], debyeWallerB: 0.86)])
    public static let copper = Phase(
        name: "Cu", spaceGroupNumber: 225, lattice: .cubic(0.36149),
        atoms: [Atom("Cu", [0, 0, 0], debyeWallerB: 0.55)])
    public static let nickel = Phase(
        name: "Ni", spaceGroupNumber: 225, lattice: .cubic(0.35236),
        atoms: [Atom("Ni", [0, 0, 0], debyeWallerB: 0.38)])
    public static let alphaIron = Phase(
        name: "alpha-Fe", spaceGroupNumber: 229, lattice: .cubic(0.28665),
        atoms: [Atom("Fe", [0, 0, 0], debyeWallerB: 0.35)], formula: "Fe")
    /// Antifluorite Na2O: O on 4a (0,0,0), Na on 8c (¼,¼,¼).
    public static let sodiumOxide = Phase(
        name: "Na2O", spaceGroupNumber: 225, lattice: .cubic(0.555),
        atoms: [Atom("O", [0, 0, 0], debyeWallerB: 1.0), Atom("Na", [0.25, 0.25, 0.25], debyeWallerB: 1.5)])
    /// Sodium peroxide, P-62m, Z = 3 (Tallman, Margrave & Bailey, JACS 79, 2979 (1957)):
    /// Na on 3f (x,0,0) and 3g (x,0,½); O–O peroxide pairs along c on 2e (0,0,z) and 4h (⅓,⅔,z).
    /// Positions approximate (peroxide O–O ≈ 1.5 Å).
    public static let sodiumPeroxide = Phase(
        name: "Na2O2", spaceGroupNumber: 189, lattice: .hexagonal(a: 0.621, c: 0.447),
        atoms: [
            Atom("Na", [0.631, 0, 0], debyeWallerB: 1.5),
            Atom("Na", [0.297, 0, 0.5], debyeWallerB: 1.5),
            Atom("O", [0, 0, 0.1667], debyeWallerB: 1.0),
            Atom("O", [1.0 / 3, 2.0 / 3, 0.3333], debyeWallerB: 1.0),
        ])

    /// All built-in phases.
    public static let builtIn: [Phase] = [sodium, lithium, aluminium, copper, nickel, alphaIron, sodiumOxide, sodiumPeroxide]

    /// A built-in phase by name (case-insensitive; "Fe" finds alpha-Fe).
    public static func builtIn(named n: String) -> Phase? {
        let t = n.lowercased()
        return builtIn.first { $0.name.lowercased() == t || $0.formula.lowercased() == t }
    }
}
