import Foundation
import DetectorGeometry
import PatternStacks

/// A pattern file opened for a C caller (`ebsd_stack*`): every format the library reads, with the detector the file
/// states (defaults where it states none); patterns are read on demand. Freed with `ebsd_stack_free`.
final class StackHandle {
    let stack: PatternStack
    let detector: Detector
    init(_ stack: PatternStack, _ detector: Detector) {
        self.stack = stack
        self.detector = detector
    }

    static func from(_ pointer: UnsafeRawPointer?) throws -> StackHandle {
        try HandleRegistry.shared.object(pointer, as: StackHandle.self, "stack")
    }
}

/// Opens a pattern file or folder (`scan`: the HDF5 scan, may be null; `map_rows`/`map_columns` 0: the file's shape).
@_cdecl("ebsd_stack_open")
public func ebsd_stack_open(
    _ path: UnsafePointer<CChar>?, _ scan: UnsafePointer<CChar>?, _ mapRows: Int64, _ mapColumns: Int64,
    _ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>?, _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    out?.pointee = nil
    return CABICall.run(message, capacity) {
        guard let out else { throw CABIArgumentError(argument: "out", problem: "a null pointer where the stack is returned") }
        let file = try CABICall.string(path, "path")
        let s = try CABICall.string(scan, "scan", orEmpty: true)
        let sides = Int64(0)...Int64(Int32.max)
        guard (mapRows == 0) == (mapColumns == 0), sides.contains(mapRows), sides.contains(mapColumns) else {
            throw CABIArgumentError(argument: "map_shape", problem: "\(mapRows) × \(mapColumns) (expected positive, or 0 × 0)")
        }
        let shape = mapRows > 0 ? (Int(mapRows), Int(mapColumns)) : nil
        do {
            let (d, stack) = try PatternStack.openWithDetector(
                file, mapShape: shape, scan: s.isEmpty ? nil : s, overrides: DetectorOverrides())
            out.pointee = HandleRegistry.shared.register(StackHandle(stack, d))
        } catch let e as DetectorOptionsError {
            throw CABIArgumentError(argument: "path", problem: "\(file): \(e)")
        }
    }
}

/// The stack's shape and step, and its detector: the pattern centre (Bruker convention, of the first point) and tilts.
/// Any output pointer may be null.
@_cdecl("ebsd_stack_info")
public func ebsd_stack_info(
    _ stack: UnsafeMutableRawPointer?, _ count: UnsafeMutablePointer<Int64>?, _ rows: UnsafeMutablePointer<Int64>?,
    _ columns: UnsafeMutablePointer<Int64>?, _ mapRows: UnsafeMutablePointer<Int64>?, _ mapColumns: UnsafeMutablePointer<Int64>?,
    _ stepMicrons: UnsafeMutablePointer<Double>?, _ pcBruker: UnsafeMutablePointer<Double>?,
    _ sampleTilt: UnsafeMutablePointer<Double>?, _ detectorTilt: UnsafeMutablePointer<Double>?,
    _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        let h = try StackHandle.from(stack)
        count?.pointee = Int64(h.stack.count)
        rows?.pointee = Int64(h.stack.patternRows)
        columns?.pointee = Int64(h.stack.patternColumns)
        mapRows?.pointee = Int64(h.stack.mapRows)
        mapColumns?.pointee = Int64(h.stack.mapColumns)
        stepMicrons?.pointee = h.stack.stepMicrons
        let pc = h.detector.pc(at: 0)
        pcBruker?[0] = pc.x
        pcBruker?[1] = pc.y
        pcBruker?[2] = pc.z
        sampleTilt?.pointee = h.detector.sampleTilt
        detectorTilt?.pointee = h.detector.detectorTilt
    }
}

/// Reads patterns `first ..< first + n` as float32 into `out` (n × rows × columns values).
@_cdecl("ebsd_stack_read")
public func ebsd_stack_read(
    _ stack: UnsafeMutableRawPointer?, _ first: Int64, _ n: Int64, _ out: UnsafeMutablePointer<Float>?,
    _ message: UnsafeMutablePointer<CChar>?, _ capacity: Int64
) -> Int32 {
    CABICall.run(message, capacity) {
        let h = try StackHandle.from(stack)
        guard first >= 0, n >= 0, first + n <= Int64(h.stack.count) else {
            throw CABIArgumentError(argument: "range", problem: "\(first) + \(n) (the stack holds \(h.stack.count) patterns)")
        }
        guard let out else { throw CABIArgumentError(argument: "out", problem: "a null pointer") }
        let values = try h.stack.read(Int(first)..<Int(first + n))
        values.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: values.count) }
    }
}

/// Releases a stack; null or unknown pointers are ignored.
@_cdecl("ebsd_stack_free")
public func ebsd_stack_free(_ stack: UnsafeMutableRawPointer?) { HandleRegistry.shared.release(stack) }
