import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Security

/// The web pages' session: the principal from the HttpOnly session cookies (renewed through the
/// refresh cookie when the access token expired), the language, the CSRF token every form carries
/// (checked on every POST along with the Origin), and errors rendered as pages instead of problem+json.
struct WebMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let auth: AuthService
    let pages: PageRenderer
    let session: WebSession

    static let formLimit = 64 * 1024
    /// A signed SAML response with many attributes is larger than any form of ours.
    static let assertionLimit = 512 * 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var outgoing: [Cookie] = []
        let cookies = request.cookies

        if let token = cookies[WebCookie.csrf]?.value, token.count == 43, token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            context.csrfToken = token
        } else {
            context.csrfToken = SecureToken.random(bytes: 32)
            outgoing.append(session.cookie(WebCookie.csrf, context.csrfToken, maxAge: nil, sameSite: .strict))
        }

        if let access = cookies[WebCookie.access]?.value {
            context.principal = try? await auth.authenticate(accessToken: access)
        }
        if context.principal == nil, let refresh = cookies[WebCookie.refresh]?.value {
            if let pair = try? await auth.refresh(refresh), let principal = try? await auth.authenticate(accessToken: pair.accessToken) {
                context.principal = principal
                outgoing += session.cookies(for: pair)
            } else {
                outgoing += session.clearedCookies()
            }
        }
        if let principal = context.principal {
            context.logger[metadataKey: "crewplan.org_id"] = .string(principal.organizationID.text())
        }
        context.locale = Language.negotiate(
            userSetting: context.principal?.locale, cookie: cookies[WebCookie.language]?.value,
            acceptLanguage: request.headers[.acceptLanguage]
        ).rawValue

        var response: Response
        do {
            var request = request
            if request.method == .post {
                let assertionConsumer = SSOPages.isAssertionConsumer(request.uri.path)
                context.form = try await form(of: &request, limit: assertionConsumer ? Self.assertionLimit : Self.formLimit)
                if !assertionConsumer {
                    try verifyOrigin(request)
                    guard let sent = context.form["_csrf"], SecureToken.equal(sent, context.csrfToken) else {
                        throw DomainError(.forbidden, "the form's CSRF token is missing or does not match the session")
                    }
                }
            }
            response = try await next(request, context)
        } catch WebOutcome.redirect(let location) {
            response = Self.redirect(location)
        } catch let error as SecurityError where error.code == .unauthorized {
            let back = request.method == .get ? request.uri.description : "/planning"
            response = Self.redirect("/login?next=\(back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        } catch {
            response = pages.error(error, request: request, context: context)
        }
        for cookie in outgoing { response.headers.append(.init(name: .setCookie, value: cookie.description)) }
        response.headers[.cacheControl] = response.headers[.cacheControl] ?? "no-store"
        response.headers[.contentLanguage] = context.locale
        response.headers[.vary] = "Cookie, Accept-Language"
        return response
    }

    func form(of request: inout Request, limit: Int) async throws -> WebForm {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw RequestError(code: "unsupported_media_type", status: .unsupportedMediaType, detail: "pages accept application/x-www-form-urlencoded forms")
        }
        let body = try await request.collectBody(upTo: limit)
        return WebForm(encoded: String(buffer: body))
    }

    /// A cross-site POST is refused even before the token is looked at: the Origin, when the
    /// browser sends one, must be this server.
    func verifyOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin], origin != "null" else { return }
        let host = request.head.authority ?? ""
        guard let url = URL(string: origin), let originHost = url.host else {
            throw DomainError(.forbidden, "the request's Origin is not this server")
        }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        guard originAuthority == host else { throw DomainError(.forbidden, "the request's Origin is not this server") }
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location.isSafeLocalPath ? location : "/"])
    }
}
