import Foundation
import PatternStacks

/// Where the static background subtracted from every measured pattern comes from: nothing, the stack's mean pattern,
/// the background the pattern file itself holds (instrument HDF5 files, NORDIF's `Background acquisition pattern.bmp`),
/// or an image file. Written in options and recipes as `none`, `mean`, `file`, `auto` or an image path.
public enum StaticBackground: Sendable, Hashable, CustomStringConvertible {
    /// No static background correction.
    case none
    /// The mean of all patterns of the stack.
    case mean
    /// An image file of the pattern's shape.
    case image(path: String)
    /// The static background the pattern file itself holds; an error when it has none.
    case file
    /// The file's own background where it holds one, else none (Hough indexing's default).
    case fileIfAny

    /// "none", "mean", "file", "auto" or an image path.
    public init(_ text: String) {
        switch text.lowercased() {
        case "none": self = .none
        case "mean": self = .mean
        case "file": self = .file
        case "auto": self = .fileIfAny
        default: self = .image(path: text)
        }
    }

    public var description: String {
        switch self {
        case .none: return "none"
        case .mean: return "mean"
        case .file: return "file"
        case .fileIfAny: return "auto"
        case .image(let p): return p
        }
    }

    /// The background image for `stack`'s patterns (`pixelCount` px each), or nil for none. A mean is read from the
    /// stack unless `meanPattern` (the stack's mean, already computed) is given.
    public func image(for stack: PatternStack, meanPattern: [Float]? = nil) throws -> [Float]? {
        let pixels = stack.patternSize
        switch self {
        case .none: return nil
        case .mean: return try meanPattern ?? stack.meanPattern()
        case .file, .fileIfAny:
            guard let bg = stack.metadata?.staticBackground, bg.count == pixels else {
                if self == .fileIfAny { return nil }
                throw StaticBackgroundError("file: \(stack.path) holds no static background of the patterns' size")
            }
            return bg
        case .image(let path):
            let bg = try PatternStack.open(path, mapShape: (1, 1)).read(0..<1)
            guard bg.count == pixels else {
                throw StaticBackgroundError("\(path): background is not \(stack.patternRows)x\(stack.patternColumns) px")
            }
            return bg
        }
    }
}

/// A static background that cannot be used, with the reason.
public struct StaticBackgroundError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
