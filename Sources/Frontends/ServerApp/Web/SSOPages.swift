import Domain
import Foundation
import Hummingbird
import Security

/// Single sign-on through an organisation's OpenID Connect provider: `GET /sso/oidc?org=SLUG`
/// sends the browser to the provider, `GET /sso/oidc/callback` comes back with the code.
struct SSOPages: Sendable {
    let clients: [String: OIDCClient]
    let state: SSOState
    let publicURL: String?

    static let cookie = "crewplan_sso"

    var enabled: Bool { !clients.isEmpty }

    func redirectURI(_ request: Request) -> String {
        (publicURL ?? "http://\(request.head.authority ?? "127.0.0.1")") + "/sso/oidc/callback"
    }

    func add(to web: RouterGroup<AppRequestContext>, services: Services, session: WebSession) {
        web.get("sso/oidc") { request, context in
            guard let slug = request.query("org")?.lowercased(), let client = clients[slug] else {
                throw DomainError.notFound("single sign-on for this organisation")
            }
            let (url, pending) = try await client.start(organization: slug, redirectURI: redirectURI(request), next: WebRoutes.nextPath(request.query("next")))
            var response = Response(status: .seeOther, headers: [.location: url.absoluteString])
            // Lax: the provider's redirect back is a top-level navigation that must carry it.
            response.headers.append(.init(name: .setCookie, value: session.cookie(Self.cookie, try state.seal(pending), maxAge: 600).description))
            return response
        }
        web.get("sso/oidc/callback") { request, context in
            guard let sealed = request.cookies[Self.cookie]?.value else { throw SecurityError(.unauthorized, "no sign-in is under way in this browser") }
            let pending = try state.open(sealed)
            guard let client = clients[pending.organization], let code = request.query("code"), let returned = request.query("state") else {
                throw SecurityError(.unauthorized, "the provider did not return a code")
            }
            let identity = try await client.finish(code: code, state: returned, pending: pending, redirectURI: redirectURI(request))
            let role = client.configuration.role(forGroups: identity.groups)
            let pair = try await services.auth.signIn(
                sso: (identity.email, identity.subject), organizationSlug: pending.organization, role: role, address: context.remoteAddress)
            var response = WebRoutes.signedIn(pair, next: pending.next, session: session)
            response.headers.append(.init(name: .setCookie, value: session.cookie(Self.cookie, "", maxAge: 0).description))
            return response
        }
    }
}
