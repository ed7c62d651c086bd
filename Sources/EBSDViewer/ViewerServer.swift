import Foundation
import CHTTPShim
import EBSDImageIO

/// The `ebsd view` web server: libmicrohttpd (through CHTTPShim) bound to 127.0.0.1 only, on `port` (0: one the kernel
/// picks), accepting connections from loopback addresses only. Every request must start with the random token the URL
/// carries (else 403) and name the Host it was sent to (127.0.0.1 or localhost on this port, else 403: a page of another
/// site cannot reach it by DNS rebinding); read-only (GET, HEAD); paths map onto ``ViewerRequest``s answered from the
/// opened map and stack — nothing a request names is opened on disk. Pattern requests are answered one at a time (the
/// stack's reader and the Hough indexer are used by one thread); tiles in parallel.
public final class ViewerServer: @unchecked Sendable {
    public let viewer: MapViewer
    /// 32 hex digits (128 bits from the system's random source).
    public let token: String
    public private(set) var port: UInt16 = 0
    private var server: OpaquePointer?
    private let patternLock = NSLock()

    /// The page's address.
    public var url: String { "http://127.0.0.1:\(port)/\(token)/" }

    /// Starts serving `viewer` on 127.0.0.1:`port` with `threads` workers.
    public init(viewer: MapViewer, port: UInt16 = 0, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(ViewerError) {
        self.viewer = viewer
        var rng = SystemRandomNumberGenerator()
        token = (0..<Self.tokenBytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
        var error = [CChar](repeating: 0, count: 256)
        let context = Unmanaged.passUnretained(self).toOpaque()
        guard let s = ebsd_http_start(port, UInt32(max(1, threads)), viewerHandler, context, &error, error.count) else {
            throw ViewerError(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        server = s
        self.port = ebsd_http_port(s)
    }

    deinit { stop() }

    /// Stops listening (waits for requests in flight).
    public func stop() {
        if let s = server { ebsd_http_stop(s) }
        server = nil
    }

    static let tokenBytes = 16

    /// The answer to a request for `path` (%-decoded) sent to `host` (the Host header): what the server sends back.
    public func answer(path: String, host: String?) -> ViewerAnswer {
        guard let host, ["127.0.0.1:\(port)", "localhost:\(port)"].contains(host.lowercased()) else {
            return .text(403, "forbidden: requests must be sent to 127.0.0.1:\(port)")
        }
        let prefix = "/" + token
        guard path.utf8.count >= prefix.utf8.count, Self.equalInConstantTime(path.utf8.prefix(prefix.utf8.count), prefix.utf8) else {
            return .forbidden
        }
        let rest = String(path.dropFirst(prefix.count))
        guard rest.isEmpty || rest.hasPrefix("/") else { return .forbidden }
        return answer(ViewerRequest(path: rest.isEmpty ? "/" : rest))
    }

    /// The answer to one parsed request.
    public func answer(_ request: ViewerRequest) -> ViewerAnswer {
        switch request {
        case .page:
            return ViewerAnswer(status: 200, contentType: "text/html; charset=utf-8", body: Array(ViewerPage.html.utf8))
        case .info:
            return .json(ViewerJSON.info(viewer))
        case .tile(let id, let level, let x, let y, let b):
            guard let layer = viewer.layer(id), let img = viewer.tile(layer, level: level, x: x, y: y, boundaries: b),
                let png = try? PNGImage(width: img.width, height: img.height, channels: 3, pixels: img.pixels).encoded()
            else { return .notFound }
            return ViewerAnswer(status: 200, contentType: "image/png", body: png)
        case .point(let i):
            guard let p = viewer.point(i) else { return .notFound }
            return .json(p)
        case .patterns(let i):
            guard let p = viewer.point(i) else { return .notFound }
            return patternAnswer(point: p, grain: p.grain)
        case .grain(let id):
            guard let g = viewer.grain(id) else { return .notFound }
            return patternAnswer(point: nil, grain: g)
        case .notFound:
            return .notFound
        }
    }

    /// The pattern views of `point` (or, without one, of `grain`'s average) as JSON; 409 when there are no patterns.
    private func patternAnswer(point: PointRecord?, grain: GrainRecord?) -> ViewerAnswer {
        guard viewer.patterns != nil else { return .text(409, "patterns unavailable: \(viewer.patternsUnavailable ?? "")") }
        patternLock.lock()
        defer { patternLock.unlock() }
        do {
            let views = try point.map { try viewer.patternViews($0.index) } ?? viewer.grainViews(grain?.id ?? -1)
            return .json(try ViewerJSON.views(views, point: point, grain: grain))
        } catch {
            return .text(500, "\(error)")
        }
    }

    static func equalInConstantTime<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        var d: UInt8 = 0
        for (x, y) in zip(a, b) { d |= x ^ y }
        return d == 0
    }

    /// Whether the server's accept policy lets a connection from `address` in (loopback only).
    public static func acceptsPeer(_ address: sockaddr_in) -> Bool {
        var a = address
        return withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                ebsd_http_peer_allowed($0, socklen_t(MemoryLayout<sockaddr_in>.size))
            } != 0
        }
    }
}

/// libmicrohttpd's worker threads call this for every GET/HEAD: the answer is copied into a malloc'd buffer the C layer
/// hands to MHD (which frees it).
private func viewerHandler(
    _ context: UnsafeMutableRawPointer?, _ path: UnsafePointer<CChar>?, _ host: UnsafePointer<CChar>?,
    _ out: UnsafeMutablePointer<ebsd_http_answer>?
) {
    guard let context, let path, let out else { return }
    let server = Unmanaged<ViewerServer>.fromOpaque(context).takeUnretainedValue()
    let a = server.answer(path: String(cString: path), host: host.map { String(cString: $0) })
    out.pointee.status = Int32(a.status)
    withUnsafeMutableBytes(of: &out.pointee.content_type) { buf in
        let bytes = Array(a.contentType.utf8.prefix(buf.count - 1)) + [0]
        buf.copyBytes(from: bytes)
    }
    let body = malloc(max(1, a.body.count))!.assumingMemoryBound(to: UInt8.self)
    if !a.body.isEmpty { a.body.withUnsafeBufferPointer { body.update(from: $0.baseAddress!, count: a.body.count) } }
    out.pointee.body = body
    out.pointee.length = a.body.count
}
