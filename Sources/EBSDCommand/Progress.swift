import Foundation

/// Progress on stderr (done/total, patterns per second, ETA) when stderr is a terminal.
final class ProgressReporter {
    let total: Int, label: String, unit: String
    let start = Date()
    var last = Date.distantPast
    let enabled = isatty(2) != 0
    init(total: Int, label: String, unit: String = "patterns") { self.total = total; self.label = label; self.unit = unit }

    func update(_ done: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(last) > 0.2 || done == total else { return }
        last = now
        let el = now.timeIntervalSince(start)
        let rate = el > 0 ? Double(done) / el : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let line = String(format: "\r%@ %d/%d (%.0f %%) %.0f %@/s ETA %d:%02d   ", label, done, total,
                          100 * Double(done) / Double(max(1, total)), rate, unit, Int(eta) / 60, Int(eta) % 60)
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
