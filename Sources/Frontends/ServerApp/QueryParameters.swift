import Domain
import Foundation
import Hummingbird
import HummingbirdCore
import Perf
import Security

/// A request's query parameters, parsed once, read with problem errors for bad values.
///
/// Hummingbird parses the query string again on every `uri.queryParameters`; a list request reads up to
/// nine parameters and its cache key, and on a cached read that parsing was a noticeable share of the
/// server's time.
struct QueryParameters: Sendable {
    let parameters: FlatDictionary<Substring, Substring>

    init(_ request: Request) { self.parameters = request.uri.queryParameters }

    func string(_ name: String) -> String? {
        parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    func id(_ name: String) throws -> UUID? {
        guard let text = string(name) else { return nil }
        guard let id = UUID(text: text) else { throw RequestError(code: "invalid_query", status: .badRequest, detail: "\(name) must be a UUID", field: name) }
        return id
    }

    func date(_ name: String) throws -> LocalDate? {
        guard let text = string(name) else { return nil }
        guard let date = LocalDate(text) else { throw RequestError(code: "invalid_query", status: .badRequest, detail: "\(name) must be a date as YYYY-MM-DD", field: name) }
        return date
    }

    func instant(_ name: String) throws -> Date? {
        guard let text = string(name) else { return nil }
        guard let date = JSON.parseInstant(text) else { throw RequestError(code: "invalid_query", status: .badRequest, detail: "\(name) must be an RFC 3339 instant", field: name) }
        return date
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = string(name) else { return nil }
        switch text { case "true": return true; case "false": return false
        default: throw RequestError(code: "invalid_query", status: .badRequest, detail: "\(name) must be true or false", field: name) }
    }

    func page() throws -> PageRequest {
        var limit = 50
        if let text = string("limit") {
            guard let value = Int(text) else { throw RequestError(code: "invalid_query", status: .badRequest, detail: "limit must be a number", field: "limit") }
            limit = value
        }
        return try PageRequest(limit: limit, cursor: string("cursor"))
    }
}

extension Request {
    /// The query parameters, parsed now: read them all from one value.
    var query: QueryParameters { QueryParameters(self) }

    /// The read cache's key of a list answer: the query as sent and the caller's scope, all the answer
    /// depends on besides the organisation's data. A cached read then needs its query neither parsed
    /// nor sorted: the handler parses it (and refuses a bad one) only when the answer is computed, and
    /// a refused query is never stored, so it is refused every time. The same parameters in another
    /// order make another entry, computed once.
    func cacheKey(scope: AccessScope) -> String {
        "\(uri.query ?? "")|\(scope.cacheKey)"
    }
}
