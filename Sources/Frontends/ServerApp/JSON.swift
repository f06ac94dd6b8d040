import Domain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Perf

/// The wire format: snake_case keys (declared on the types), RFC 3339 instants.
enum JSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = parseInstant(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected an RFC 3339 instant such as 2026-11-25T08:00:00Z"))
            }
            return date
        }
        return decoder
    }()

    static func parseInstant(_ text: String) -> Date? { RFC3339.parse(text) }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        response(encoded: try encoder.encode(value), status: status)
    }

    /// The JSON answer of `compute`, through the read cache: `key` holds what the answer depends on
    /// besides the organisation's data (filters, page, the caller's scope). Sent in gzip when the
    /// request accepts it and the cache has it (see ``ReadCache/fetchRepresentation(_:organizationID:key:acceptsGzip:compute:)``).
    static func cachedResponse<Value: Encodable & SendableMetatype>(
        _ cache: ReadCache, _ kind: CacheKind, organizationID: UUID, key: String, for request: Request,
        _ compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Response {
        response(cached: try await cache.fetchRepresentation(
            kind, organizationID: organizationID, key: key, acceptsGzip: Gzip.isAccepted(by: request.headers[.acceptEncoding])
        ) { try encoder.encode(try await compute()) })
    }

    /// ``cachedResponse(_:_:organizationID:key:for:_:)`` for the large answers written directly (see `JSONWriter`).
    static func cachedResponse<Value: JSONWritable & SendableMetatype>(
        _ cache: ReadCache, _ kind: CacheKind, organizationID: UUID, key: String, for request: Request,
        _ compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Response {
        response(cached: try await cache.fetchRepresentation(
            kind, organizationID: organizationID, key: key, acceptsGzip: Gzip.isAccepted(by: request.headers[.acceptEncoding])
        ) { try await compute().jsonData(capacity: 64 * 1024) })
    }

    /// ``cachedResponse(_:_:organizationID:key:for:_:)`` for answers whose JSON a library writes itself
    /// (a planning week: `PlanningService.weekJSON`).
    static func cachedResponse(
        _ cache: ReadCache, _ kind: CacheKind, organizationID: UUID, key: String, for request: Request,
        encoded compute: @escaping @Sendable () async throws -> Data
    ) async throws -> Response {
        response(cached: try await cache.fetchRepresentation(
            kind, organizationID: organizationID, key: key, acceptsGzip: Gzip.isAccepted(by: request.headers[.acceptEncoding]), compute: compute))
    }

    /// A cached answer: its representation depends on Accept-Encoding, which `Vary` tells caches.
    static func response(cached body: CachedBody) -> Response {
        var headers = HTTPFields()
        // Room for the fields the middlewares add on the way out (request id, security headers).
        headers.reserveCapacity(12)
        headers.append(CachedFields.contentType)
        headers.append(CachedFields.vary)
        switch body.contentEncoding {
        case .gzip: headers.append(CachedFields.gzip)
        case nil: break
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body.bytes))
    }

    /// Fields built once: a field's value is checked for legal bytes each time one is made.
    private enum CachedFields {
        static let contentType = HTTPField(name: .contentType, value: "application/json; charset=utf-8")
        static let vary = HTTPField(name: .vary, value: "Accept-Encoding")
        static let gzip = HTTPField(name: .contentEncoding, value: "gzip")
    }

    /// A response from already-encoded JSON (the read cache stores encoded answers).
    static func response(encoded data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a JSON body: 415 for another media type, 413 past the limit, 400 for malformed JSON,
    /// 422 naming the field for a wrong type, a missing field, an unknown enum value or a bad date.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: AppRequestContext) async throws -> T {
        if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw RequestError(code: "unsupported_media_type", status: .unsupportedMediaType, detail: "send application/json")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        do {
            return try decoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw describe(error)
        }
    }

    static func describe(_ error: DecodingError) -> RequestError {
        func path(_ keys: [any CodingKey]) -> String? {
            keys.isEmpty ? nil : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return RequestError(code: "malformed_json", status: .badRequest, detail: "the body is not valid JSON of the expected shape")
        case .dataCorrupted(let context):
            return RequestError(code: "invalid_input", status: .unprocessableContent, detail: context.debugDescription, field: path(context.codingPath))
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return RequestError(code: "invalid_input", status: .unprocessableContent, detail: "\(field ?? key.stringValue) is required", field: field)
        case .typeMismatch(let type, let context):
            return RequestError(code: "invalid_input", status: .unprocessableContent, detail: "\(path(context.codingPath) ?? "body") must be \(type)", field: path(context.codingPath))
        case .valueNotFound(_, let context):
            return RequestError(code: "invalid_input", status: .unprocessableContent, detail: "\(path(context.codingPath) ?? "body") must not be null", field: path(context.codingPath))
        @unknown default:
            return RequestError(code: "malformed_json", status: .badRequest, detail: "the body could not be read")
        }
    }
}

/// Path and query parameter parsing with problem errors.
extension AppRequestContext {
    func id(_ name: String = "id") throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(text: text) else {
            throw RequestError(code: "invalid_id", status: .badRequest, detail: "\(name) must be a UUID", field: name)
        }
        return id
    }
}

