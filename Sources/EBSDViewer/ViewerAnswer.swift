import Foundation

/// The viewer's answer to one HTTP request: a status, a content type and the body.
public struct ViewerAnswer: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static func text(_ status: Int, _ text: String) -> ViewerAnswer {
        ViewerAnswer(status: status, contentType: "text/plain; charset=utf-8", body: Array((text + "\n").utf8))
    }

    public static func json<T: Encodable>(_ value: T) -> ViewerAnswer {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(value) else { return .text(500, "cannot encode the answer") }
        return ViewerAnswer(status: 200, contentType: "application/json", body: Array(data))
    }

    public static let forbidden = ViewerAnswer.text(403, "forbidden: the URL's token is missing or wrong")
    public static let notFound = ViewerAnswer.text(404, "not found")
}
