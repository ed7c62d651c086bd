import Foundation

/// How the files of an image folder are placed on the map: automatically from their names (``ImageFolderLayout``'s
/// rules), or by the user's ``ImageNamePattern``; and the unit of coordinates in the names.
public struct ImageFolderNaming: Sendable, Equatable {
    /// The user's pattern, or nil for the automatic rules.
    public var pattern: ImageNamePattern?
    /// µm per unit of the x/y coordinates in the names (default OIM's 10 nm, ``ImageFolderLayout/oimUnitMicrons``).
    public var unitMicrons: Double

    public init(pattern: ImageNamePattern? = nil, unitMicrons: Double = ImageFolderLayout.oimUnitMicrons) {
        self.pattern = pattern
        self.unitMicrons = unitMicrons
    }

    /// The naming a user spelled (`--name-pattern`/`--name-unit`, recipe `name_pattern`/`name_unit_um`): the pattern
    /// parsed and the unit checked, the defaults for what is not given.
    public init(patternText: String?, unitMicrons unit: Double?) throws(PatternStackError) {
        self.init()
        if let patternText { pattern = try ImageNamePattern(patternText) }
        if let unit {
            guard unit.isFinite && unit > 0 else {
                throw .cannotOpen(path: "\(unit)", reason: "the unit of the coordinates in the names must be a positive number of µm")
            }
            unitMicrons = unit
        }
    }
}
