import Foundation
import CrystalMaps
import PatternStacks

/// How a per-pattern step (hough, match, refine, neighbour_check) is run so that a killed run loses at most one
/// block of its work: the map's rows are cut into blocks of whole rows holding at least ``checkpointPatterns``
/// patterns (at most ``maximumBlocks`` blocks); each block is computed (with ``PipelineStep/neighbourRows`` more
/// rows on each side where the step reads its neighbours' previous results, as a cluster shard is) and its own rows
/// are kept exactly in `NN-step.blocks/<fingerprint>/rows-FIRST-END.ebsdmap` (``CrystalMaps/MapSnapshot``, renamed
/// into place whole). Run again, the step reads the kept blocks and computes only the others; the step's map is the
/// blocks stacked in order, so a resumed run's map is byte-identical to an uninterrupted one's. The folder goes when
/// the step's map is kept.
public struct StepBlocks: Sendable, Equatable {
    /// Fewest patterns per block (whole map rows): 4096 patterns are 2 s of Hough or 10 s of refinement on 2 cores.
    public static let checkpointPatterns = 4096
    /// Most blocks per step (larger maps get larger blocks).
    public static let maximumBlocks = 512

    public let mapRows: Int
    public let mapColumns: Int
    /// Map rows per block (the last may be shorter).
    public let rowsPerBlock: Int

    public init(mapRows: Int, mapColumns: Int) {
        self.mapRows = mapRows
        self.mapColumns = mapColumns
        let patterns = max(Self.checkpointPatterns, (mapRows * mapColumns + Self.maximumBlocks - 1) / Self.maximumBlocks)
        rowsPerBlock = max(1, min(max(mapRows, 1), (patterns + max(mapColumns, 1) - 1) / max(mapColumns, 1)))
    }

    /// The block's note (what the step said of it), kept in its snapshot's metadata under this key.
    static let noteKey = "ebsd_step_note"

    /// One block of all rows: the step computed at once, nothing kept until its map.
    public static func whole(mapRows: Int, mapColumns: Int) -> StepBlocks {
        StepBlocks(mapRows: mapRows, mapColumns: mapColumns, rowsPerBlock: max(1, mapRows))
    }

    init(mapRows: Int, mapColumns: Int, rowsPerBlock: Int) {
        self.mapRows = mapRows
        self.mapColumns = mapColumns
        self.rowsPerBlock = rowsPerBlock
    }

    public var count: Int { (mapRows + rowsPerBlock - 1) / rowsPerBlock }

    /// The map rows block `k` owns.
    public func rows(_ k: Int) -> Range<Int> { (k * rowsPerBlock)..<min(mapRows, (k + 1) * rowsPerBlock) }

    /// The file of block `k` in `folder`.
    public func file(_ k: Int, in folder: String) -> String {
        let r = rows(k)
        let name = String(format: "rows-%06d-%06d.%@", r.lowerBound, r.upperBound, MapSnapshot.fileExtension)
        return (folder as NSString).appendingPathComponent(name)
    }
}

extension PipelineRunner {
    /// The folder of step `i`'s kept blocks (all fingerprints).
    package func blocksFolder(_ i: Int) -> String { path(String(format: "%02d-%@.blocks", i + 1, recipe.steps[i].name)) }

    /// Runs per-pattern step `i` block by block (``StepBlocks``): `body` computes one block from its stack rows and
    /// the previous map's rows (nil for the first map step) and reports its progress in patterns; returns the
    /// stacked map and the blocks' notes as one.
    package func inBlocks(
        _ i: Int, stack: PatternStack, map: CrystalMap?,
        _ body: (_ stack: PatternStack, _ map: CrystalMap?, _ progress: @escaping (Int) -> Void) throws -> (CrystalMap, String)
    ) throws -> (CrystalMap, String) {
        let step = recipe.steps[i]
        let plan =
            checkpointsInsideSteps
            ? StepBlocks(mapRows: stack.mapRows, mapColumns: stack.mapColumns)
            : .whole(mapRows: stack.mapRows, mapColumns: stack.mapColumns)
        // a stack without map rows, or a map that does not fit the stack (the step itself says so): no blocks
        let fits = map.map { $0.grid.rows == stack.mapRows && $0.grid.columns == stack.mapColumns } ?? true
        guard plan.count > 0, fits else { return try body(stack, map) { _ in } }
        let folder = (blocksFolder(i) as NSString).appendingPathComponent(fingerprint(i))
        if checkpointsInsideSteps { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let report = progress(step.name, stack.count)
        var blocks: [CrystalMap] = [], notes: [String] = [], kept = 0
        for k in 0..<plan.count {
            let own = plan.rows(k), file = plan.file(k, in: folder)
            let before = own.lowerBound * plan.mapColumns
            if checkpointsInsideSteps, FileManager.default.fileExists(atPath: file), var block = try? MapSnapshot.read(file),
                block.grid.rows == own.count
            {
                notes.append(block.metadata.removeValue(forKey: StepBlocks.noteKey) ?? "")
                blocks.append(block)
                kept += 1
                report(before + own.count * plan.mapColumns, stack.count)
                continue
            }
            let halo = step.neighbourRows
            let computed = max(0, own.lowerBound - halo)..<min(plan.mapRows, own.upperBound + halo)
            let (m, note) = try body(try stack.mapRows(computed), map?.rows(computed)) { done in
                report(before + min(done, own.count * plan.mapColumns), stack.count)
            }
            var block = m.rows((own.lowerBound - computed.lowerBound)..<(own.upperBound - computed.lowerBound))
            if checkpointsInsideSteps {
                block.metadata[StepBlocks.noteKey] = note
                try MapSnapshot.write(block, to: file)
                block.metadata[StepBlocks.noteKey] = nil
            }
            blocks.append(block)
            notes.append(note)
        }
        if kept > 0 { message("    \(kept) of \(plan.count) blocks finished earlier, read from \(folder)") }
        let whole = try CrystalMap(stackingRows: blocks)
        return (whole, StepNotes.combine(notes, borderRows: step.neighbourRows > 0))
    }
}
