import Domain
import Foundation
import Hummingbird
import Security

/// Single sign-on through an organisation's identity provider. `GET /sso?org=SLUG` picks the
/// organisation's protocol. OpenID Connect: `GET /sso/oidc` sends the browser to the provider,
/// `GET /sso/oidc/callback` comes back with the code. SAML 2.0: `GET /sso/saml/{org}/metadata`,
/// `GET /sso/saml/{org}/login` (HTTP-Redirect AuthnRequest), `POST /sso/saml/{org}/acs` (HTTP-POST
/// Response; exempt from the CSRF token, which the identity provider cannot know: the signed,
/// single-use answer to our own request is its protection).
struct SSOPages: Sendable {
    let clients: [String: OIDCClient]
    let saml: [String: SAMLServiceProvider]
    let state: SSOState
    let publicURL: String?

    static let cookie = "crewplan_sso"

    init(configuration: SSOConfiguration, state: SSOState, publicURL: String?) throws {
        clients = configuration.organizations.compactMapValues { $0.oidc.map(OIDCClient.init) }
        saml = try configuration.organizations.reduce(into: [:]) { providers, entry in
            guard let saml = entry.value.saml else { return }
            providers[entry.key] = try SAMLServiceProvider(organization: entry.key, configuration: saml, baseURL: publicURL ?? "")
        }
        self.state = state
        self.publicURL = publicURL
    }

    var enabled: Bool { !clients.isEmpty || !saml.isEmpty }

    func baseURL(_ request: Request) -> String { publicURL ?? "http://\(request.head.authority ?? "127.0.0.1")" }

    func redirectURI(_ request: Request) -> String { baseURL(request) + "/sso/oidc/callback" }

    func provider(_ context: AppRequestContext, _ request: Request) throws -> SAMLServiceProvider {
        guard let slug = context.parameters.get("org")?.lowercased(), let provider = saml[slug] else {
            throw DomainError.notFound("single sign-on for this organisation")
        }
        return provider.served(at: baseURL(request))
    }

    func add(to web: RouterGroup<AppRequestContext>, services: Services, session: WebSession, pages: PageRenderer) {
        web.get("sso") { request, context in
            let query = request.query
            guard let slug = query.string("org")?.lowercased(), saml[slug] != nil || clients[slug] != nil else {
                throw DomainError.notFound("single sign-on for this organisation")
            }
            let next = WebRoutes.nextPath(query.string("next")).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let path = saml[slug] != nil ? "/sso/saml/\(slug)/login?next=\(next)" : "/sso/oidc?org=\(slug)&next=\(next)"
            return WebMiddleware.redirect(path)
        }
        web.get("sso/oidc") { request, context in
            let query = request.query
            guard let slug = query.string("org")?.lowercased(), let client = clients[slug] else {
                throw DomainError.notFound("single sign-on for this organisation")
            }
            let (url, pending) = try await client.start(organization: slug, redirectURI: redirectURI(request), next: WebRoutes.nextPath(query.string("next")))
            var response = Response(status: .seeOther, headers: [.location: url.absoluteString])
            // Lax: the provider's redirect back is a top-level navigation that must carry it.
            response.headers.append(.init(name: .setCookie, value: session.cookie(Self.cookie, try state.seal(pending), maxAge: 600).description))
            return response
        }
        web.get("sso/oidc/callback") { request, context in
            let query = request.query
            guard let sealed = request.cookies[Self.cookie]?.value else { throw SecurityError(.unauthorized, "no sign-in is under way in this browser") }
            let pending = try state.open(sealed)
            guard let client = clients[pending.organization], let code = query.string("code"), let returned = query.string("state") else {
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

        web.get("sso/saml/:org/metadata") { request, context in
            let provider = try provider(context, request)
            return Response(
                status: .ok, headers: [.contentType: "application/samlmetadata+xml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: provider.metadata())))
        }
        web.get("sso/saml/:org/login") { request, context in
            let query = request.query
            let url = try await services.auth.startSAMLSignIn(try provider(context, request), next: WebRoutes.nextPath(query.string("next")))
            return Response(status: .seeOther, headers: [.location: url.absoluteString])
        }
        web.post("sso/saml/:org/acs") { request, context in
            let provider = try provider(context, request)
            do {
                let (pair, next) = try await services.auth.finishSAMLSignIn(provider, response: context.form["SAMLResponse"] ?? "", address: context.remoteAddress)
                return WebRoutes.signedIn(pair, next: next, session: session)
            } catch let error where error is SAMLError || (error as? SecurityError)?.code == .unauthorized {
                let message = Localizer.bundled(Language(rawValue: context.locale) ?? .en).text("login.sso_error")
                return pages.render(
                    "login", title: "login.title", page: ["next": "/planning", "sso": enabled, "error": message], request: request, context: context,
                    status: .unauthorized)
            }
        }
    }

    /// The Assertion Consumer Service receives a cross-site POST from the identity provider.
    static func isAssertionConsumer(_ path: String) -> Bool { path.hasPrefix("/sso/saml/") && path.hasSuffix("/acs") }
}
