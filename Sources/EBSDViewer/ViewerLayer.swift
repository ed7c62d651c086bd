import Crystallography
import CrystalMaps

/// One switchable layer of the map view: IPF colours along a sample axis, phase, a per-point property on a colour
/// ramp (CI, IQ, band contrast, fit, MAD, NCC score …), KAM or grain ID. `id` is the name used in URLs.
public struct ViewerLayer: Sendable, Hashable, Codable {
    public enum Kind: Sendable, Hashable, Codable {
        case ipf(axis: Int)
        case phase
        case property(String)
        case kam
        case grainID
    }
    public let id: String
    public let title: String
    public let kind: Kind

    /// IPF-X, IPF-Y, IPF-Z (sample axes of the map's frame, as the figures use).
    public static let ipf: [ViewerLayer] = ["x", "y", "z"].enumerated().map {
        ViewerLayer(id: "ipf-\($0.element)", title: "IPF-\($0.element.uppercased())", kind: .ipf(axis: $0.offset))
    }
    public static let phase = ViewerLayer(id: "phase", title: "Phase", kind: .phase)
    public static let kam = ViewerLayer(id: "kam", title: "KAM (°)", kind: .kam)
    public static let grainID = ViewerLayer(id: "grain", title: "Grain ID", kind: .grainID)

    /// The per-point properties shown as layers when a map has them, in this order, with their titles.
    public static let propertyTitles: [(name: String, title: String)] = [
        (MapProperty.confidenceIndex, "CI"), (MapProperty.imageQuality, "IQ"), (MapProperty.bandContrast, "Band contrast"),
        (MapProperty.bandSlope, "Band slope"), (MapProperty.fit, "Fit (°)"), (MapProperty.meanAngularDeviation, "MAD (°)"),
        (MapProperty.score, "NCC score"), (MapProperty.patternSharpness, "Sharpness"), (MapProperty.meanIntensity, "Mean intensity"),
    ]

    /// The layers a map can show: IPF-X/Y/Z, phase, its quality properties, KAM, grain ID.
    public static func available(for map: CrystalMap) -> [ViewerLayer] {
        let properties = propertyTitles.filter { map.properties[$0.name] != nil }.map {
            ViewerLayer(id: $0.name, title: $0.title, kind: .property($0.name))
        }
        return ipf + [phase] + properties + [kam, grainID]
    }

    /// The sample direction of an IPF layer.
    static func sampleAxis(_ axis: Int) -> Vector3 { axis == 0 ? [1, 0, 0] : (axis == 1 ? [0, 1, 0] : [0, 0, 1]) }
}
