import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Security

/// Outermost middleware: request id, locale, security headers, and every error turned into
/// `application/problem+json` with a stable code. Unknown errors become a logged 500 without detail.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[SecurityHeaders.requestID]
        let usable = incoming.flatMap { id in
            id.count <= 64 && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } ? id : nil
        }
        context.requestID = usable ?? RequestID.next()
        context.logger[metadataKey: "crewplan.request_id"] = .string(context.requestID)
        context.locale = Language.negotiate(
            cookie: request.cookies[WebCookie.language]?.value, acceptLanguage: request.headers[.acceptLanguage]
        ).rawValue
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = problemResponse(for: error, request: request, context: context)
        }
        response.headers[SecurityHeaders.requestID] = context.requestID
        SecurityHeaders.apply(to: &response.headers, path: request.uri.path)
        return response
    }

    func problemResponse(for error: any Error, request: Request, context: Context) -> Response {
        let (code, status, detail, field, violations, extra) = classifyAndLog(error, context: context)
        let problem = Problem(
            code: code, status: status, detail: detail, locale: context.locale, instance: request.uri.path,
            requestID: context.requestID, field: field, violations: violations)
        var headers: HTTPFields = [.contentType: "application/problem+json", .contentLanguage: context.locale]
        for (name, value) in extra { headers[name] = value }
        let data = (try? JSON.encoder.encode(problem)) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// ``classify(_:)``, logging what becomes a 500 (pages and the API answer errors through here).
    func classifyAndLog(_ error: any Error, context: Context) -> Classified {
        let classified = classify(error)
        if classified.1 == .internalServerError {
            // PSQLError's reflection names the query and the bind types, never bound values.
            context.logger.error("request failed", metadata: ["crewplan.error": .string(String(reflecting: error))])
        }
        return classified
    }

    typealias Classified = (String, HTTPResponse.Status, String, String?, [RuleViolation]?, [(HTTPField.Name, String)])

    func classify(_ error: any Error) -> Classified {
        switch error {
        case let e as DomainError:
            let status: HTTPResponse.Status = switch e.code {
            case .invalidInput, .ruleViolation: .unprocessableContent
            case .notFound: .notFound
            case .conflict: .conflict
            case .forbidden: .forbidden
            case .unavailable: .serviceUnavailable
            default: .badRequest
            }
            return (e.code.rawValue, status, e.message, e.field, e.code == .ruleViolation ? e.violations : nil, [])
        case let e as SecurityError:
            if e.code == .throttled {
                return ("throttled", .tooManyRequests, e.message, nil, nil, [(.retryAfter, "\(e.retryAfterSeconds ?? 60)")])
            }
            return ("unauthorized", .unauthorized, e.message, nil, nil, [(.wwwAuthenticate, "Bearer realm=\"crewplan\"")])
        case let e as RequestError:
            return (e.code, e.status, e.detail, e.field, nil, [])
        case is NIOTooManyBytesError:
            return ("payload_too_large", .contentTooLarge, "the request body is larger than allowed", nil, nil, [])
        case let e as HTTPError:
            switch e.status {
            case .notFound: return ("not_found", .notFound, "no such route", nil, nil, [])
            case .methodNotAllowed: return ("method_not_allowed", .methodNotAllowed, "method not allowed on this route", nil, nil, [])
            case .contentTooLarge: return ("payload_too_large", .contentTooLarge, "the request body is larger than allowed", nil, nil, [])
            case .unauthorized: return ("unauthorized", .unauthorized, "authentication required", nil, nil, [])
            default:
                if e.status.code < 500 { return ("invalid_input", e.status, e.body ?? e.status.reasonPhrase, nil, nil, []) }
                return ("internal_error", .internalServerError, "an internal error occurred", nil, nil, [])
            }
        default:
            if case let translated as DomainError = Database.translate(error) { return classify(translated) }
            return ("internal_error", .internalServerError, "an internal error occurred", nil, nil, [])
        }
    }
}

/// Headers every response carries. The API denies everything; pages may load their own styles,
/// scripts and images and post forms to this server only (no inline script or style anywhere).
enum SecurityHeaders {
    static let apiPolicy = "default-src 'none'; frame-ancestors 'none'"
    static let pagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    static let requestID = HTTPField.Name("X-Request-Id")!
    // Fields built once: a field's name and value are checked for legal bytes each time one is made.
    static let contentTypeOptions = HTTPField(name: HTTPField.Name("X-Content-Type-Options")!, value: "nosniff")
    static let referrerPolicy = HTTPField(name: HTTPField.Name("Referrer-Policy")!, value: "no-referrer")
    static let frameOptions = HTTPField(name: HTTPField.Name("X-Frame-Options")!, value: "DENY")
    static let apiContentSecurityPolicy = HTTPField(name: HTTPField.Name("Content-Security-Policy")!, value: apiPolicy)
    static let pageContentSecurityPolicy = HTTPField(name: HTTPField.Name("Content-Security-Policy")!, value: pagePolicy)

    static func apply(to headers: inout HTTPFields, path: String) {
        let isPage = headers[.contentType]?.hasPrefix("text/html") ?? false
        // Appended, not set by name: a response's own fields never include these, and setting one
        // searches every field already there first.
        headers.append(contentTypeOptions)
        headers.append(referrerPolicy)
        headers.append(frameOptions)
        headers.append(isPage ? pageContentSecurityPolicy : apiContentSecurityPolicy)
        if path.hasPrefix("/api/") { headers[.cacheControl] = "no-store" }
    }
}
