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
        self.detail = Problem.detail(detail, code: code, field: field, locale: locale)
        self.code = code
        self.instance = instance
        self.requestID = requestID
        self.field = field
        self.violations = violations
    }

    /// The catalog key of each code's title (literal keys, so `crewplan i18n extract` sees them).
    static let titleKeys: [String: String] = [
        "invalid_input": "problem.invalid_input", "malformed_json": "problem.malformed_json", "invalid_id": "problem.invalid_id",
        "invalid_query": "problem.invalid_query", "not_found": "problem.not_found", "conflict": "problem.conflict",
        "rule_violation": "problem.rule_violation", "forbidden": "problem.forbidden", "unauthorized": "problem.unauthorized",
        "throttled": "problem.throttled", "payload_too_large": "problem.payload_too_large",
        "unsupported_media_type": "problem.unsupported_media_type", "method_not_allowed": "problem.method_not_allowed",
        "unavailable": "problem.unavailable", "internal_error": "problem.internal_error",
    ]

    static func titleKey(_ code: String) -> String { titleKeys[code] ?? "problem.generic" }

    /// The catalog key of each code's explanation for readers of another language than English.
    static let detailKeys: [String: String] = [
        "invalid_input": "problem_detail.invalid_input", "malformed_json": "problem_detail.malformed_json",
        "invalid_id": "problem_detail.invalid_id", "invalid_query": "problem_detail.invalid_query", "not_found": "problem_detail.not_found",
        "conflict": "problem_detail.conflict", "rule_violation": "problem_detail.rule_violation", "forbidden": "problem_detail.forbidden",
        "unauthorized": "problem_detail.unauthorized", "throttled": "problem_detail.throttled",
        "payload_too_large": "problem_detail.payload_too_large", "unsupported_media_type": "problem_detail.unsupported_media_type",
        "method_not_allowed": "problem_detail.method_not_allowed", "unavailable": "problem_detail.unavailable",
        "internal_error": "problem_detail.internal_error",
    ]

    /// English readers get the specific message; others get the code's explanation in their
    /// language, naming the field when there is one (the `field` member names it for programs).
    static func detail(_ english: String, code: String, field: String?, locale: String) -> String {
        guard let language = Language(rawValue: locale), language != .en, let key = detailKeys[code] else { return english }
        let localizer = Localizer.bundled(language)
        let text = localizer.text(key)
        return field.map { "\(text) \(localizer.text("problem_detail.field", ["field": $0]))" } ?? text
    }

    static func title(_ code: String, locale: String) -> String {
        Localizer.bundled(Language(rawValue: locale) ?? .en).text(titleKey(code))
    }
}

/// A request error raised by the HTTP layer itself (bad JSON, bad id, bad query parameter).
struct RequestError: Error {
    var code: String
    var status: HTTPResponse.Status
    var detail: String
    var field: String?
}
