/// A sample axis an inverse pole figure is drawn along: x, y or z of the sample (map) frame the README's
/// conventions state. IPF-Z (the surface normal) suits top views, IPF-Y cross sections. The one parser of the
/// names `x`, `y`, `z` (any case) that the CLI's `--direction` and the recipe's `directions` use.
///
///     SampleDirection(name: "Y")?.vector   // [0, 1, 0]
public enum SampleDirection: String, CaseIterable, Sendable, Hashable {
    case x, y, z

    /// The direction named `name` (x, y or z, any case); nil for anything else.
    public init?(name: String) { self.init(rawValue: name.lowercased()) }

    /// The unit vector along the axis.
    public var vector: Vector3 {
        switch self {
        case .x: return [1, 0, 0]
        case .y: return [0, 1, 0]
        case .z: return [0, 0, 1]
        }
    }

    /// "IPF-X", "IPF-Y" or "IPF-Z".
    public var ipfLabel: String { "IPF-\(rawValue.uppercased())" }
}
