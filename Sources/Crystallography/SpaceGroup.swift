import Foundation

/// One space-group operation on fractional coordinates: `x' = R x + t` (t mod 1).
public struct SpaceGroupOperation: Hashable, Sendable {
    public var rotation: [Int]  // 3×3 row-major integer matrix
    public var translation: Vector3  // fractional, in [0, 1)

    public func apply(_ x: Vector3) -> Vector3 {
        let r = rotation
        let y =
            Vector3(
                Double(r[0]) * x.x + Double(r[1]) * x.y + Double(r[2]) * x.z,
                Double(r[3]) * x.x + Double(r[4]) * x.y + Double(r[5]) * x.z,
                Double(r[6]) * x.x + Double(r[7]) * x.y + Double(r[8]) * x.z) + translation
        return SpaceGroupOperation.wrap(y)
    }

    static func wrap(_ v: Vector3) -> Vector3 {
        func w(_ x: Double) -> Double {
            var y = x - x.rounded(.down)
            if abs(y - 1) < 1e-9 || abs(y) < 1e-9 { y = 0 }
            return y
        }
        return Vector3(w(v.x), w(v.y), w(v.z))
    }

    static func * (p: SpaceGroupOperation, q: SpaceGroupOperation) -> SpaceGroupOperation {
        var r = [Int](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { r[i * 3 + j] += p.rotation[i * 3 + k] * q.rotation[k * 3 + j] } } }
        let t = q.translation
        let pt = Vector3(
            Double(p.rotation[0]) * t.x + Double(p.rotation[1]) * t.y + Double(p.rotation[2]) * t.z,
            Double(p.rotation[3]) * t.x + Double(p.rotation[4]) * t.y + Double(p.rotation[5]) * t.z,
            Double(p.rotation[6]) * t.x + Double(p.rotation[7]) * t.y + Double(p.rotation[8]) * t.z)
        return SpaceGroupOperation(rotation: r, translation: wrap(pt + p.translation))
    }

    /// Parses Jones-faithful notation such as `"-y,x-y,z+1/2"`.
    public init?(jones: String) {
        let parts = jones.replacingOccurrences(of: " ", with: "").lowercased().split(separator: ",")
        guard parts.count == 3 else { return nil }
        var rot = [Int](repeating: 0, count: 9)
        var t = [0.0, 0.0, 0.0]
        for (row, p) in parts.enumerated() {
            var sign = 1, i = p.startIndex
            while i < p.endIndex {
                let ch = p[i]
                switch ch {
                case "+":
                    sign = 1
                    i = p.index(after: i)
                case "-":
                    sign = -1
                    i = p.index(after: i)
                case "x", "y", "z":
                    rot[row * 3 + (ch == "x" ? 0 : ch == "y" ? 1 : 2)] += sign
                    sign = 1
                    i = p.index(after: i)
                default:
                    var j = i
                    while j < p.endIndex, p[j].isNumber || p[j] == "/" || p[j] == "." { j = p.index(after: j) }
                    guard j > i else { return nil }
                    let s = String(p[i..<j])
                    let value: Double
                    if let slash = s.firstIndex(of: "/") {
                        guard let n = Double(s[s.startIndex..<slash]), let d = Double(s[s.index(after: slash)...]), d != 0 else {
                            return nil
                        }
                        value = n / d
                    } else {
                        guard let v = Double(s) else { return nil }
                        value = v
                    }
                    t[row] += Double(sign) * value
                    sign = 1
                    i = j
                }
            }
        }
        self.init(rotation: rot, translation: SpaceGroupOperation.wrap(Vector3(t[0], t[1], t[2])))
    }
    public init(rotation: [Int], translation: Vector3) {
        self.rotation = rotation
        self.translation = translation
    }

    func isSame(_ o: SpaceGroupOperation) -> Bool {
        guard rotation == o.rotation else { return false }
        let d = translation - o.translation
        func z(_ x: Double) -> Bool {
            let f = x - x.rounded()
            return abs(f) < 1e-9
        }
        return z(d.x) && z(d.y) && z(d.z)
    }
}

/// A space group given by its International Tables number, with its full
/// list of operations generated from a few generators (standard setting;
/// origin choice 2 where there are two).
public struct SpaceGroup: Hashable, Sendable {
    public let number: Int
    public let symbol: String
    public let operations: [SpaceGroupOperation]

    /// Space groups with generator tables in this library.
    public static let supportedNumbers: [Int] = Array(generatorTable.keys).sorted()

    public init?(number: Int) {
        guard let entry = SpaceGroup.generatorTable[number] else { return nil }
        self.number = number
        self.symbol = entry.symbol
        let gens = entry.generators.compactMap { SpaceGroupOperation(jones: $0) }
        var ops = [SpaceGroupOperation(jones: "x,y,z")!]
        var changed = true
        while changed {
            changed = false
            for a in ops {
                for g in gens {
                    let p = a * g
                    if !ops.contains(where: { $0.isSame(p) }) {
                        ops.append(p)
                        changed = true
                    }
                }
            }
        }
        self.operations = ops
    }

    /// The Laue group of a space group number (1…230).
    public static func laueGroup(forNumber n: Int) -> LaueGroup? {
        switch n {
        case 1...2: .triclinic
        case 3...15: .monoclinic
        case 16...74: .orthorhombic
        case 75...88: .tetragonalLow
        case 89...142: .tetragonalHigh
        case 143...148: .trigonalLow
        case 149...167: .trigonalHigh
        case 168...176: .hexagonalLow
        case 177...194: .hexagonalHigh
        case 195...206: .cubicLow
        case 207...230: .cubicHigh
        default: nil
        }
    }
    public var laueGroup: LaueGroup { SpaceGroup.laueGroup(forNumber: number)! }

    /// All distinct positions equivalent to `x` (fractional coordinates in [0, 1)).
    public func equivalentPositions(_ x: Vector3) -> [Vector3] {
        var out: [Vector3] = []
        for op in operations {
            let y = op.apply(x)
            let dup = out.contains { p in
                let d = p - y
                func z(_ v: Double) -> Bool { abs(v - v.rounded()) < 1e-6 }
                return z(d.x) && z(d.y) && z(d.z)
            }
            if !dup { out.append(y) }
        }
        return out
    }

    static let cubicPoint = ["-x,-y,z", "-x,y,-z", "z,x,y", "y,x,-z", "-x,-y,-z"]
    static let generatorTable: [Int: (symbol: String, generators: [String])] = [
        1: ("P1", []),
        2: ("P-1", ["-x,-y,-z"]),
        139: ("I4/mmm", ["-x,-y,z", "-y,x,z", "-x,y,-z", "-x,-y,-z", "x+1/2,y+1/2,z+1/2"]),
        189: ("P-62m", ["-y,x-y,z", "x,y,-z", "x-y,-y,-z"]),
        194: ("P6_3/mmc", ["-y,x-y,z", "-x,-y,z+1/2", "y,x,-z", "-x,-y,-z"]),
        221: ("Pm-3m", cubicPoint),
        225: ("Fm-3m", cubicPoint + ["x,y+1/2,z+1/2", "x+1/2,y,z+1/2", "x+1/2,y+1/2,z"]),
        227: (
            "Fd-3m",
            [
                "-x+3/4,-y+1/4,z+1/2", "-x+1/4,y+1/2,-z+3/4", "z,x,y", "y+3/4,x+1/4,-z+1/2", "-x,-y,-z",
                "x,y+1/2,z+1/2", "x+1/2,y,z+1/2", "x+1/2,y+1/2,z",
            ]
        ),
        229: ("Im-3m", cubicPoint + ["x+1/2,y+1/2,z+1/2"]),
    ]
}
