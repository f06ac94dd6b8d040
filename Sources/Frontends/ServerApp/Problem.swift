import Domain
import Foundation
import HTTPTypes

/// An `application/problem+json` body (RFC 9457) with Crewplan's stable `code`.
struct Problem: Encodable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var code: String
    var instance: String
    var requestID: String
    var field: String?
    var violations: [RuleViolation]?

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, code, instance, field, violations
        case requestID = "request_id"
    }

    init(code: String, status: HTTPResponse.Status, detail: String, locale: String, instance: String, requestID: String, field: String? = nil, violations: [RuleViolation]? = nil) {
        self.type = "https://crewplan.dev/problems/\(code)"
        self.title = Problem.title(code, locale: locale)
        self.status = status.code
        self.detail = detail
        self.code = code
        self.instance = instance
        self.requestID = requestID
        self.field = field
        self.violations = violations
    }

    static let titles: [String: (en: String, fr: String)] = [
        "invalid_input": ("Invalid input", "Donn\u{e9}es invalides"),
        "malformed_json": ("Malformed JSON", "JSON mal form\u{e9}"),
        "invalid_id": ("Invalid identifier", "Identifiant invalide"),
        "invalid_query": ("Invalid query parameter", "Param\u{e8}tre de requ\u{ea}te invalide"),
        "not_found": ("Not found", "Introuvable"),
        "conflict": ("Conflict", "Conflit"),
        "rule_violation": ("Planning rules violated", "R\u{e8}gles de planification non respect\u{e9}es"),
        "forbidden": ("Forbidden", "Acc\u{e8}s refus\u{e9}"),
        "unauthorized": ("Authentication required", "Authentification requise"),
        "throttled": ("Too many attempts", "Trop de tentatives"),
        "payload_too_large": ("Request body too large", "Requ\u{ea}te trop volumineuse"),
        "unsupported_media_type": ("Unsupported media type", "Type de contenu non pris en charge"),
        "method_not_allowed": ("Method not allowed", "M\u{e9}thode non autoris\u{e9}e"),
        "unavailable": ("Service unavailable", "Service indisponible"),
        "internal_error": ("Internal error", "Erreur interne"),
    ]

    static func title(_ code: String, locale: String) -> String {
        guard let entry = titles[code] else { return locale == "fr" ? "Erreur" : "Error" }
        return locale == "fr" ? entry.fr : entry.en
    }

    /// Picks `fr` or `en` from an Accept-Language header by quality; English when nothing matches.
    static func locale(acceptLanguage: String?) -> String {
        guard let header = acceptLanguage else { return "en" }
        var best: (tag: String, q: Double)? = nil
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased().split(separator: "-").first.map(String.init), ["fr", "en"].contains(tag) else { continue }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if q > 0, best == nil || q > best!.q { best = (tag, q) }
        }
        return best?.tag ?? "en"
    }
}

/// A request error raised by the HTTP layer itself (bad JSON, bad id, bad query parameter).
struct RequestError: Error {
    var code: String
    var status: HTTPResponse.Status
    var detail: String
    var field: String?
}
