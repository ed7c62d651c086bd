import Foundation
import EBSDCore
import Preprocessing

/// NLPAR's first pass (each pattern's noise σ and the λ estimated from them) as a run keeps it
/// (`NN-nlpar.noise`), so that a resumed run does not pass over the whole stack again: a JSON line (the step's
/// fingerprint, λ, the map's rows and columns) and then σ, one float32 per map point, little-endian. Renamed into
/// place whole; a file made for other inputs or cut short is not used. A cluster run's prepare job keeps its pass the same way.
package enum NLPARNoiseFile {
    struct Header: Codable {
        var fingerprint: String
        var lambda: Double
        var mapRows: Int
        var mapColumns: Int
    }

    package static func write(_ p: NLPAR.Prepared, fingerprint: String, to path: String) throws {
        let header = Header(fingerprint: fingerprint, lambda: p.lambda, mapRows: p.mapRows, mapColumns: p.mapColumns)
        var data = try JSONEncoder().encode(header)
        data.append(UInt8(ascii: "\n"))
        p.sigma.withUnsafeBytes { data.append(contentsOf: $0) }
        try AtomicFile.write(data, to: path)
    }

    /// The kept pass, when `path` holds one made for `fingerprint` whole; else nil.
    package static func read(_ path: String, fingerprint: String) -> NLPAR.Prepared? {
        guard let data = FileManager.default.contents(atPath: path), let newline = data.firstIndex(of: UInt8(ascii: "\n")),
            let h = try? JSONDecoder().decode(Header.self, from: data[..<newline]), h.fingerprint == fingerprint,
            h.mapRows > 0, h.mapColumns > 0, data.count - newline - 1 == 4 * h.mapRows * h.mapColumns
        else { return nil }
        let sigma = data[(newline + 1)...].withUnsafeBytes { raw in
            (0..<(h.mapRows * h.mapColumns)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        }
        return NLPAR.Prepared(sigma: sigma, lambda: h.lambda, mapRows: h.mapRows, mapColumns: h.mapColumns)
    }
}
