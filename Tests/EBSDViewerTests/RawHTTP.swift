import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a TCP socket, for tests that need what URLSession will not send: any raw path, any
/// Host header, another method. Reads the whole answer (the server closes the connection).
enum RawHTTP {
    struct Answer {
        var status: Int
        var headers: String
        var body: [UInt8]
    }
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Connects to `address`:`port` (IPv4), or throws when the connection is refused.
    static func connect(_ address: String, _ port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        inet_pton(AF_INET, address, &a.sin_addr)
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw Failure(description: "connect to \(address):\(port): errno \(errno)")
        }
        return fd
    }

    /// Sends `method path` with `host` as the Host header and reads the answer.
    static func request(
        port: UInt16, _ path: String, host: String? = nil, method: String = "GET", address: String = "127.0.0.1"
    ) throws -> Answer {
        let fd = try connect(address, port)
        defer { close(fd) }
        let text = "\(method) \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n\r\n"
        _ = text.withCString { send(fd, $0, strlen($0), 0) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        guard let end = data.indices.first(where: { $0 + 3 < data.count && data[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }) else {
            throw Failure(description: "\(path): no HTTP answer (\(data.count) bytes)")
        }
        let head = String(decoding: data[..<end], as: UTF8.self)
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return Answer(status: status, headers: head, body: Array(data[(end + 4)...]))
    }

    /// The process's resident set in bytes (/proc/self/statm).
    static func residentBytes() -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// An IPv4 address of this machine that is not loopback, or nil.
    static func nonLoopbackAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return nil }
        defer { freeifaddrs(list) }
        var p = list
        while let a = p {
            defer { p = a.pointee.ifa_next }
            guard let sa = a.pointee.ifa_addr, sa.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var host = [CChar](repeating: 0, count: 64)
            let addr = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            var copy = addr
            inet_ntop(AF_INET, &copy, &host, 64)
            let s = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !s.hasPrefix("127.") { return s }
        }
        return nil
    }
}
