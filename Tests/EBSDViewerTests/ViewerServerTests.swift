import Foundation
import Testing
import EBSDViewer
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct ViewerServerTests {
    static let server: Result<ViewerServer, any Error> = Result { try ViewerServer(viewer: try DemoViewer.open()) }

    @Test func onlyTheTokenOpensTheViewer() throws {
        let s = try Self.server.get()
        let t = s.token
        #expect(t.count == 32 && t.allSatisfy(\.isHexDigit))
        #expect(s.url == "http://127.0.0.1:\(s.port)/\(t)/")
        let page = try RawHTTP.request(port: s.port, "/\(t)/")
        #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self).contains("ebsdViewer"))
        #expect(page.headers.contains("Cache-Control: no-store") && page.headers.contains("Referrer-Policy: no-referrer"))
        // without the token, with a wrong one, with a prefix of it, with it not as a whole path segment: 403
        let wrong = String(t.reversed())
        for path in ["/", "/api/info", "/\(wrong)/api/info", "/\(t.dropLast())/api/info", "/\(t)x/api/info", "/favicon.ico"] {
            #expect(try RawHTTP.request(port: s.port, path).status == 403, "\(path)")
        }
        // another Host (DNS rebinding) is refused, as is writing
        #expect(try RawHTTP.request(port: s.port, "/\(t)/api/info", host: "evil.example:\(s.port)").status == 403)
        #expect(try RawHTTP.request(port: s.port, "/\(t)/api/info", host: "localhost:\(s.port)").status == 200)
        #expect(try RawHTTP.request(port: s.port, "/\(t)/api/info", method: "POST").status == 405)
        #expect(try RawHTTP.request(port: s.port, "/\(t)/api/info", method: "DELETE").status == 405)
    }

    @Test func otherPathsAndPointsOffTheMapAreNotFound() throws {
        let s = try Self.server.get()
        let t = s.token
        for path in [
            "/\(t)/../../etc/passwd", "/\(t)/..%2f..%2fetc%2fpasswd", "/\(t)/%2e%2e/%2e%2e/etc/passwd", "/\(t)/api/point/2400",
            "/\(t)/api/point/-1", "/\(t)/api/patterns/99999", "/\(t)/api/grain/100000", "/\(t)/tile/ipf-z/0/1/0.png",
            "/\(t)/tile/ipf-z/3/0/0.png", "/\(t)/tile/nonsense/0/0/0.png", "/\(t)/final.ang", "/\(t)/etc/passwd",
            "/\(t)/SampleMaps/na-electrodeposit-cross-section/patterns.tif",
        ] {
            let a = try RawHTTP.request(port: s.port, path)
            #expect(a.status == 404, "\(path): \(a.status)")
        }
        let point = try RawHTTP.request(port: s.port, "/\(t)/api/point/2399")
        #expect(point.status == 200 && point.headers.contains("application/json"))
        let tile = try RawHTTP.request(port: s.port, "/\(t)/tile/ipf-z/0/0/0-b.png")
        #expect(tile.status == 200 && tile.body.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func anotherHostCannotConnect() throws {
        let s = try Self.server.get()
        // the accept policy lets loopback peers in only
        var peer = sockaddr_in()
        peer.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "10.1.2.3", &peer.sin_addr)
        #expect(!ViewerServer.acceptsPeer(peer))
        inet_pton(AF_INET, "192.168.0.7", &peer.sin_addr)
        #expect(!ViewerServer.acceptsPeer(peer))
        inet_pton(AF_INET, "127.0.0.1", &peer.sin_addr)
        #expect(ViewerServer.acceptsPeer(peer))
        // and the socket is bound to 127.0.0.1: this machine's own outside address is refused
        guard let outside = RawHTTP.nonLoopbackAddress() else {
            print("SKIPPED: anotherHostCannotConnect's connect check: this machine has no non-loopback IPv4 address")
            return
        }
        #expect(throws: RawHTTP.Failure.self, "\(outside):\(s.port) must refuse") {
            try RawHTTP.request(port: s.port, "/\(s.token)/api/info", address: outside)
        }
    }

    @Test func aBurstOfAThousandRequestsLeavesMemoryFlat() throws {
        let s = try Self.server.get()
        let t = s.token
        let paths = (0..<1000).map { k -> String in
            switch k % 5 {
            case 0: return "/\(t)/api/point/\(k * 7 % 2400)"
            case 1: return "/\(t)/tile/\(["ipf-x", "ipf-y", "kam", "grain"][k % 4])/0/0/0\(k % 2 == 0 ? "-b" : "").png"
            case 2: return "/\(t)/api/patterns/\(k * 13 % 2400)"
            case 3: return "/x/\(k)"
            default: return "/\(t)/api/nothing/\(k)"
            }
        }
        func burst(_ paths: [String]) -> [Int] {
            let statuses = UnsafeMutableBufferPointer<Int>.allocate(capacity: paths.count)
            defer { statuses.deallocate() }
            nonisolated(unsafe) let out = statuses  // each worker writes its own indices
            DispatchQueue.concurrentPerform(iterations: 16) { w in
                for k in stride(from: w, to: paths.count, by: 16) {
                    out[k] = (try? RawHTTP.request(port: s.port, paths[k]).status) ?? -1
                }
            }
            return Array(statuses)
        }
        _ = burst(Array(paths.prefix(200)))  // warm: layers coloured, caches filled
        let before = RawHTTP.residentBytes()
        let statuses = burst(paths)
        let after = RawHTTP.residentBytes()
        for (k, st) in statuses.enumerated() {
            #expect(st == [200, 200, 200, 403, 404][k % 5], "\(paths[k]): \(st)")
        }
        #expect(after - before < 32 << 20, "resident memory grew \((after - before) >> 20) MB over 1000 requests")
        print("viewer burst: 1000 requests, resident \(before >> 20) → \(after >> 20) MB")
        // still answering
        #expect(try RawHTTP.request(port: s.port, "/\(t)/api/info").status == 200)
    }

    @Test func aClickIsAnsweredWithinATenthOfASecond() throws {
        let s = try Self.server.get()
        var times: [Double] = []
        for i in stride(from: 3, to: 2400, by: 97) {
            let t0 = Date()
            let point = try RawHTTP.request(port: s.port, "/\(s.token)/api/point/\(i)")
            let patterns = try RawHTTP.request(port: s.port, "/\(s.token)/api/patterns/\(i)")
            times.append(Date().timeIntervalSince(t0))
            #expect(point.status == 200 && patterns.status == 200)
        }
        times.sort()
        let median = times[times.count / 2], worst = times.last!
        print(String(format: "viewer click (point + patterns, demo map): median %.1f ms, slowest %.1f ms", median * 1000, worst * 1000))
        #expect(median < 0.1, "median \(median * 1000) ms")
    }
}
