/// An error raised by the domain: a stable machine-readable code, a message for operators and logs,
/// and, for rule violations, the violations themselves. Frontends map codes to HTTP statuses.
public struct DomainError: Error, Sendable, CustomStringConvertible {
    /// A stable error code. Extensible: new codes never change old ones.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The input is malformed or out of range.
        public static let invalidInput = Code("invalid_input")
        /// The addressed row does not exist in the caller's organisation.
        public static let notFound = Code("not_found")
        /// The change conflicts with stored data (duplicate, still referenced).
        public static let conflict = Code("conflict")
        /// Planning rules refused the change.
        public static let ruleViolation = Code("rule_violation")
        /// The caller may not do this.
        public static let forbidden = Code("forbidden")
        /// A dependency (database, cache) is unavailable.
        public static let unavailable = Code("unavailable")
    }

    public var code: Code
    public var message: String
    /// The field the error concerns, when one does (`start`, `employee_id`).
    public var field: String?
    /// Present for `ruleViolation`: the blocking violations and the warnings.
    public var violations: [RuleViolation]
    public var underlying: (any Error)?

    public init(
        _ code: Code, _ message: String, field: String? = nil, violations: [RuleViolation] = [],
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.violations = violations
        self.underlying = underlying
    }

    public var description: String { "\(code): \(message)" }

    public static func invalid(_ field: String, _ message: String) -> DomainError {
        DomainError(.invalidInput, message, field: field)
    }

    public static func notFound(_ what: String) -> DomainError {
        DomainError(.notFound, "\(what) not found")
    }
}
