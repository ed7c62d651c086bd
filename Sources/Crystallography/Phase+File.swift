import Foundation

/// A phase described in a small JSON file, for phases that are not built in:
///
/// ```json
/// {"name": "Mg", "space_group": 194,
///  "lattice": [3.2094, 3.2094, 5.2108, 90, 90, 120],
///  "atoms": [{"element": "Mg", "xyz": [0.3333333, 0.6666667, 0.25], "occupancy": 1, "B": 1.0}]}
/// ```
/// Lattice lengths in ångström, angles in degrees; `occupancy` and `B`
/// (Debye–Waller, Å²) are optional.
public struct PhaseFileError: Error, CustomStringConvertible, Sendable {
    public let path: String, message: String
    public var description: String { "\(path): \(message)" }
}

extension Phase {
    struct FileAtom: Decodable {
        var element: String
        var xyz: [Double]
        var occupancy: Double?
        var B: Double?
    }
    struct File: Decodable {
        var name: String
        var space_group: Int
        var lattice: [Double]
        var atoms: [FileAtom]
    }

    /// Loads a phase JSON file (see ``PhaseFileError`` for the format).
    public static func load(_ path: String) throws(PhaseFileError) -> Phase {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PhaseFileError(path: path, message: "cannot read the file")
        }
        let f: File
        do { f = try JSONDecoder().decode(File.self, from: data) } catch {
            throw PhaseFileError(
                path: path,
                message: "not a phase file (needs name, space_group, lattice [a,b,c,α,β,γ], atoms): \(error)")
        }
        guard f.lattice.count == 6, f.lattice[0...2].allSatisfy({ $0 > 0 }) else {
            throw PhaseFileError(path: path, message: "lattice must be 6 numbers a, b, c (Å > 0), α, β, γ (°)")
        }
        guard SpaceGroup.laueGroup(forNumber: f.space_group) != nil else {
            throw PhaseFileError(path: path, message: "space group \(f.space_group) is not 1–230")
        }
        var atoms: [Atom] = []
        for (i, a) in f.atoms.enumerated() {
            guard a.xyz.count == 3 else { throw PhaseFileError(path: path, message: "atom \(i + 1): xyz must have 3 numbers") }
            guard ScatteringFactors.atomicNumber(a.element) != nil else {
                throw PhaseFileError(path: path, message: "atom \(i + 1): unknown element '\(a.element)'")
            }
            atoms.append(Atom(a.element, Vector3(a.xyz[0], a.xyz[1], a.xyz[2]), occupancy: a.occupancy ?? 1, debyeWallerB: a.B ?? 0))
        }
        let l = f.lattice
        return Phase(
            name: f.name, spaceGroupNumber: f.space_group, lattice: .angstromDegrees(l[0], l[1], l[2], l[3], l[4], l[5]), atoms: atoms)
    }

    /// A built-in phase by name, or a phase file if `nameOrPath` ends in .json.
    public static func resolve(_ nameOrPath: String) throws(PhaseFileError) -> Phase {
        if nameOrPath.lowercased().hasSuffix(".json") { return try load(nameOrPath) }
        guard let p = builtIn(named: nameOrPath) else {
            throw PhaseFileError(
                path: nameOrPath, message: "not a built-in phase (\(builtIn.map(\.name).joined(separator: ", "))) nor a .json phase file")
        }
        return p
    }
}
