import Foundation

/// The four pattern-centre (PC) conventions EBSD software uses. The library
/// stores every PC in the Bruker convention and converts only in
/// ``Detector`` (`pc(in:)` / `init(pc:convention:…)`).
///
/// For a detector of `rows × columns` pixels (after binning `b`, pixel size
/// `δ` µm unbinned), aspect ratio `ar = columns / rows`:
///
/// | convention | x | y | z |
/// |---|---|---|---|
/// | Bruker | PCx: from the left, of the width | PCy: from the **top**, of the height | PCz: distance / height |
/// | EDAX/TSL | x* = PCx | y* = 1 − PCy (from the **bottom**) | z* = PCz · rows / min(rows, columns) |
/// | Oxford | PCx | (1 − PCy) / ar (from the bottom, fraction of the **width**) | PCz / ar (fraction of the width) |
/// | EMsoft ≥ 5 | xpc = (0.5 − PCx) · columns · b px | ypc = (0.5 − PCy) · rows · b px | L = PCz · rows · b · δ µm |
///
/// EMsoft before version 5 used the opposite sign of xpc (`emsoft4`).
/// These definitions are those of kikuchipy's `EBSDDetector` (which the
/// golden data were made with) and the vendors' manuals.
public enum PCConvention: String, CaseIterable, Sendable, Codable {
    case bruker
    case tsl
    case oxford
    case emsoft
    case emsoft4

    /// Accepts common spellings ("edax", "TSL", "amtek", "emsoft5").
    public init?(name: String) {
        switch name.lowercased() {
        case "bruker": self = .bruker
        case "tsl", "edax", "amtek", "edax/tsl": self = .tsl
        case "oxford", "aztec": self = .oxford
        case "emsoft", "emsoft5": self = .emsoft
        case "emsoft4": self = .emsoft4
        default: return nil
        }
    }

    /// A convention a user typed (CLI option or recipe key `option`); the one error for an unknown name.
    public init(parsing name: String, option: String) throws(DetectorOptionsError) {
        guard let c = PCConvention(name: name) else {
            throw DetectorOptionsError("\(option) must be bruker, tsl, oxford, emsoft or emsoft4 (got '\(name)')")
        }
        self = c
    }
}
