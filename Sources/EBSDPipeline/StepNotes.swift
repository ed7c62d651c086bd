import Foundation

/// The one-line notes steps leave in the log and the report, put together when a step ran in parts.
public enum StepNotes {
    /// The notes of one step's parts (the shards of a cluster run, the blocks of a checkpointed step) as one:
    /// numbers that differ between parts and are whole are summed (counts of pixels), text and equal numbers are
    /// kept; notes that do not share their words are listed per part. With `borderRows`, a sum says that it counts
    /// the rows two shards both compute.
    public static func combine(_ notes: [String], borderRows: Bool = false) -> String {
        let number = try! NSRegularExpression(pattern: "[0-9]+(\\.[0-9]+)?")
        func parts(_ s: String) -> (words: [String], numbers: [String]) {
            let ns = s as NSString
            var words: [String] = [], numbers: [String] = [], at = 0
            for m in number.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
                words.append(ns.substring(with: NSRange(location: at, length: m.range.location - at)))
                numbers.append(ns.substring(with: m.range))
                at = m.range.location + m.range.length
            }
            words.append(ns.substring(from: at))
            return (words, numbers)
        }
        let all = notes.map(parts)
        guard let first = all.first, all.allSatisfy({ $0.words == first.words }) else {
            return notes.enumerated().map { "shard \($0.offset): \($0.element)" }.joined(separator: " | ")
        }
        var out = "", summed = false
        for (k, w) in first.words.enumerated() {
            out += w
            guard k < first.numbers.count else { continue }
            let values = all.map { $0.numbers[k] }
            let whole = values.compactMap { Int($0) }
            if Set(values).count == 1 || whole.count != values.count {
                out += values[0]
            } else {
                out += String(whole.reduce(0, +))
                summed = true
            }
        }
        return out + (summed && borderRows ? " (summed over the parts; border rows computed by two parts count twice)" : "")
    }

}
