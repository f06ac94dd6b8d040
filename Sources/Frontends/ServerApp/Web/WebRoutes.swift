import Domain
import Foundation
import Hummingbird
import Security

/// The server-rendered pages: sign-in, language switch, planning, missions, employees, and the
/// static assets. Every page works without JavaScript; `app.js` adds keyboard shortcuts.
enum WebRoutes {
    static func add(to router: Router<AppRequestContext>, services: Services, pages: PageRenderer, session: WebSession, sso: SSOPages) {
        router.get("static/:name") { request, context in
            guard let name = context.parameters.get("name"), let response = pages.asset(name, request: request) else {
                throw HTTPError(.notFound)
            }
            return response
        }

        let web = router.group().add(middleware: WebMiddleware(auth: services.auth, pages: pages, session: session))
        web.get("/") { _, context -> Response in
            WebMiddleware.redirect(context.principal == nil ? "/login" : "/planning")
        }
        web.get("login") { request, context in
            let query = request.query
            if context.principal != nil { throw WebOutcome.redirect(nextPath(query.string("next"))) }
            return pages.render(
                "login", title: "login.title", page: ["next": nextPath(query.string("next")), "sso": sso.enabled], request: request, context: context)
        }
        web.post("login") { request, context in
            let form = context.form
            let next = nextPath(form["next"])
            do {
                switch try await services.auth.signIn(email: form["email"] ?? "", password: form.fields["password"] ?? "", address: context.remoteAddress) {
                case .tokens(let pair):
                    return signedIn(pair, next: next, session: session)
                case .secondFactorRequired(let token):
                    return pages.render("login_mfa", title: "login.mfa_title", page: ["next": next, "mfa_token": token], request: request, context: context)
                }
            } catch let error as SecurityError {
                return loginFailed(error, template: "login", page: ["next": next, "email": form["email"] ?? ""], pages: pages, request: request, context: context)
            }
        }
        web.post("login/mfa") { request, context in
            let form = context.form
            let next = nextPath(form["next"])
            let token = form["mfa_token"] ?? ""
            do {
                let pair = try await services.auth.completeSignIn(
                    mfaToken: token, code: form["recovery_code"] == nil ? form["code"] ?? "" : nil, recoveryCode: form["recovery_code"],
                    address: context.remoteAddress)
                return signedIn(pair, next: next, session: session)
            } catch let error as SecurityError {
                return loginFailed(error, template: "login_mfa", page: ["next": next, "mfa_token": token], pages: pages, request: request, context: context)
            }
        }
        web.post("logout") { _, context in
            if let principal = context.principal { try await services.auth.logout(sessionID: principal.sessionID) }
            var response = WebMiddleware.redirect("/login")
            for cookie in session.clearedCookies() { response.headers.append(.init(name: .setCookie, value: cookie.description)) }
            return response
        }
        web.post("lang") { _, context in
            guard let language = context.form["lang"].flatMap(Language.init(rawValue:)) else {
                throw DomainError.invalid("lang", "lang must be fr or en")
            }
            if let principal = context.principal { try await services.auth.setLanguage(language, for: principal) }
            var response = WebMiddleware.redirect(context.form["next"].flatMap { $0.isSafeLocalPath ? $0 : nil } ?? "/")
            let cookie = session.cookie(WebCookie.language, language.rawValue, maxAge: 365 * 24 * 3600)
            response.headers.append(.init(name: .setCookie, value: cookie.description))
            return response
        }

        sso.add(to: web, services: services, session: session, pages: pages)
        PlanningPages.add(to: web, services: services, pages: pages)
        StatusPage.add(to: web, services: services, pages: pages)
        DirectoryPages.add(to: web, services: services, pages: pages)
    }

    static func signedIn(_ pair: TokenPair, next: String, session: WebSession) -> Response {
        var response = WebMiddleware.redirect(next)
        for cookie in session.cookies(for: pair) { response.headers.append(.init(name: .setCookie, value: cookie.description)) }
        return response
    }

    static func loginFailed(
        _ error: SecurityError, template: String, page: [String: Any], pages: PageRenderer, request: Request, context: AppRequestContext
    ) -> Response {
        let throttled = error.code == .throttled
        let key = throttled ? "login.error_throttled" : template == "login" ? "login.error_invalid" : "login.mfa_error"
        let message = Localizer.bundled(Language(rawValue: context.locale) ?? .en).text(key)
        return pages.render(
            template, title: template == "login" ? "login.title" : "login.mfa_title", page: page.merging(["error": message]) { $1 },
            request: request, context: context, status: throttled ? .tooManyRequests : .unauthorized)
    }

    /// Where to go after signing in or switching language: a local path, else the planning.
    static func nextPath(_ text: String?) -> String {
        guard let text, text.isSafeLocalPath, !text.hasPrefix("/login") else { return "/planning" }
        return text
    }
}
