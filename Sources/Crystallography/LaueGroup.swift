import Foundation

/// The 11 Laue groups (centrosymmetric point groups), Hermann–Mauguin symbols.
///
/// Crystal frame (as orix and EMsoft): Cartesian; for trigonal and hexagonal
/// groups x ∥ a1 and z ∥ c, with the 2-folds of 622 and 32 on x (and y for
/// 622); for tetragonal and cubic groups the axes are the cell axes.
/// Symmetry acts from the left on an orientation: `g' = s g`.
public enum LaueGroup: String, CaseIterable, Sendable, Codable {
    case triclinic = "-1"
    case monoclinic = "2/m"
    case orthorhombic = "mmm"
    case tetragonalLow = "4/m"
    case tetragonalHigh = "4/mmm"
    case trigonalLow = "-3"
    case trigonalHigh = "-3m"
    case hexagonalLow = "6/m"
    case hexagonalHigh = "6/mmm"
    case cubicLow = "m-3"
    case cubicHigh = "m-3m"

    /// Hermann–Mauguin symbol, e.g. "m-3m".
    public var symbol: String { rawValue }

    /// Symbol of the proper rotation subgroup, e.g. "432".
    public var properGroupSymbol: String {
        switch self {
        case .triclinic: "1"
        case .monoclinic: "112"
        case .orthorhombic: "222"
        case .tetragonalLow: "4"
        case .tetragonalHigh: "422"
        case .trigonalLow: "3"
        case .trigonalHigh: "32"
        case .hexagonalLow: "6"
        case .hexagonalHigh: "622"
        case .cubicLow: "23"
        case .cubicHigh: "432"
        }
    }

    /// Looks a group up by Laue symbol, proper-group symbol or common aliases ("m3m", "432", "cubic").
    public init?(symbol s: String) {
        let t = s.replacingOccurrences(of: " ", with: "").lowercased()
        for g in LaueGroup.allCases where g.rawValue == t || g.properGroupSymbol == t {
            self = g
            return
        }
        switch t {
        case "m3m", "oh", "cubic": self = .cubicHigh
        case "m3", "th": self = .cubicLow
        case "6/mmm", "d6h", "hexagonal": self = .hexagonalHigh
        case "2", "121", "211": self = .monoclinic
        case "mmm", "d2h": self = .orthorhombic
        default: return nil
        }
    }

    /// The proper rotations of the group (the only ones that matter for
    /// orientations), identity first, each with a non-negative scalar part.
    public var properOperators: [Rotation] { LaueGroupTables.proper[self]! }

    /// All operators of the Laue group: the proper ones, then each times the inversion.
    public var operators: [SymmetryOperator] {
        properOperators.map { SymmetryOperator($0) } + properOperators.map { SymmetryOperator($0, improper: true) }
    }

    /// Crystal system family name.
    public var crystalSystem: String {
        switch self {
        case .triclinic: "triclinic"
        case .monoclinic: "monoclinic"
        case .orthorhombic: "orthorhombic"
        case .tetragonalLow, .tetragonalHigh: "tetragonal"
        case .trigonalLow, .trigonalHigh: "trigonal"
        case .hexagonalLow, .hexagonalHigh: "hexagonal"
        case .cubicLow, .cubicHigh: "cubic"
        }
    }

    /// EDAX/TSL `.ang` symmetry code (43 cubic high, 23 cubic low, 62/6
    /// hexagonal, 32/3 trigonal, 42/4 tetragonal, 22 orthorhombic,
    /// 2 monoclinic, 1 triclinic).
    public var tslSymmetryCode: Int {
        switch self {
        case .triclinic: 1
        case .monoclinic: 2
        case .orthorhombic: 22
        case .tetragonalLow: 4
        case .tetragonalHigh: 42
        case .trigonalLow: 3
        case .trigonalHigh: 32
        case .hexagonalLow: 6
        case .hexagonalHigh: 62
        case .cubicLow: 23
        case .cubicHigh: 43
        }
    }
    public init?(tslSymmetryCode c: Int) {
        guard let g = LaueGroup.allCases.first(where: { $0.tslSymmetryCode == c }) else { return nil }
        self = g
    }

    /// Oxford Instruments (Channel 5 / AZtec) Laue group number 1…11.
    public var oxfordLaueNumber: Int {
        switch self {
        case .triclinic: 1
        case .monoclinic: 2
        case .orthorhombic: 3
        case .tetragonalLow: 4
        case .tetragonalHigh: 5
        case .trigonalLow: 6
        case .trigonalHigh: 7
        case .hexagonalLow: 8
        case .hexagonalHigh: 9
        case .cubicLow: 10
        case .cubicHigh: 11
        }
    }
    public init?(oxfordLaueNumber n: Int) {
        guard let g = LaueGroup.allCases.first(where: { $0.oxfordLaueNumber == n }) else { return nil }
        self = g
    }
}

/// Group tables built once from generators by closure.
enum LaueGroupTables {
    static let proper: [LaueGroup: [Rotation]] = {
        let x = Vector3(1, 0, 0), z = Vector3(0, 0, 1), d111 = Vector3(1, 1, 1)
        func r(_ axis: Vector3, _ n: Double) -> Rotation { Rotation(axis: axis, angle: 2 * .pi / n) }
        var t: [LaueGroup: [Rotation]] = [:]
        t[.triclinic] = [.identity]
        t[.monoclinic] = close([r(z, 2)])
        t[.orthorhombic] = close([r(z, 2), r(x, 2)])
        t[.tetragonalLow] = close([r(z, 4)])
        t[.tetragonalHigh] = close([r(z, 4), r(x, 2)])
        t[.trigonalLow] = close([r(z, 3)])
        t[.trigonalHigh] = close([r(z, 3), r(x, 2)])
        t[.hexagonalLow] = close([r(z, 6)])
        t[.hexagonalHigh] = close([r(z, 6), r(x, 2)])
        t[.cubicLow] = close([r(z, 2), r(d111, 3)])
        t[.cubicHigh] = close([r(z, 4), r(d111, 3)])
        return t
    }()

    /// Closure of a set of generators under composition, identity first.
    static func close(_ generators: [Rotation]) -> [Rotation] {
        var elements: [Rotation] = [.identity]
        func contains(_ q: Rotation) -> Bool { elements.contains { $0.isApproximately(q, tolerance: 1e-9) } }
        var changed = true
        while changed {
            changed = false
            for e in elements {
                for g in generators {
                    var p = e * g
                    p = snap(p)
                    if !contains(p) {
                        elements.append(p)
                        changed = true
                    }
                }
            }
        }
        return elements
    }

    /// Rounds components that are within 1e-12 of 0, ±1/2, ±√2/2, ±√3/2, ±1 to
    /// those values, so tables are exact and symmetric.
    static func snap(_ r: Rotation) -> Rotation {
        let specials: [Double] = [0, 0.5, 0.5 * 2.0.squareRoot(), 0.5 * 3.0.squareRoot(), 1]
        func s(_ v: Double) -> Double {
            for c in specials where abs(abs(v) - c) < 1e-12 { return v < 0 ? -c : c }
            return v
        }
        let q = r.q
        var out = Quaternion(s(q.a), s(q.b), s(q.c), s(q.d))
        if out.a == 0 { out = out.positive }
        return Rotation(unchecked: out)
    }
}
