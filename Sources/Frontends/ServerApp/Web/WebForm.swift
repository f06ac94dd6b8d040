import Foundation
import Hummingbird
import Security

/// The fields of an `application/x-www-form-urlencoded` body (the pages post plain HTML forms).
struct WebForm: Sendable {
    var fields: [String: String]

    init(fields: [String: String] = [:]) { self.fields = fields }

    /// Parses a form body; a field given twice keeps its first value.
    init(encoded body: String) {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first.flatMap({ Self.decode($0) }), !name.isEmpty else { continue }
            let value = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
            if fields[name] == nil { fields[name] = value }
        }
        self.fields = fields
    }

    subscript(_ name: String) -> String? {
        fields[name].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// What a page handler raises instead of rendering: a redirect, or an error shown as a page.
enum WebOutcome: Error {
    /// 303 See Other to a local path.
    case redirect(String)
}

/// The cookies of the web session.
enum WebCookie {
    static let access = "crewplan_access"
    static let refresh = "crewplan_refresh"
    static let csrf = "crewplan_csrf"
    static let language = "lang"
}

extension String {
    /// A local path a page may send the browser back to (`/planning?week=...`), never another site.
    var isSafeLocalPath: Bool {
        hasPrefix("/") && !hasPrefix("//") && !hasPrefix("/\\") && !contains(where: { $0.isNewline || $0 == "\\" })
    }
}

/// How the web session's cookies are written: HttpOnly always, SameSite=Lax for the session (links
/// from mail keep working), Strict for the CSRF token, Secure when the server is reached over TLS.
struct WebSession: Sendable {
    var secureCookies: Bool

    func cookie(_ name: String, _ value: String, maxAge: Int?, sameSite: Cookie.SameSite = .lax) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: sameSite)
    }

    func cookies(for pair: TokenPair) -> [Cookie] {
        [cookie(WebCookie.access, pair.accessToken, maxAge: pair.expiresIn), cookie(WebCookie.refresh, pair.refreshToken, maxAge: 30 * 24 * 3600)]
    }

    func clearedCookies() -> [Cookie] {
        [cookie(WebCookie.access, "", maxAge: 0), cookie(WebCookie.refresh, "", maxAge: 0)]
    }
}
