import Foundation
import PostgresNIO

/// Organisations (tenants).
public struct OrganizationStore: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    public struct Draft: Sendable {
        public var slug: String
        public var name: String
        public var timeZone: String
        public var locale: String
        public var rules: PlanningRules
        public init(slug: String, name: String, timeZone: String = "Europe/Paris", locale: String = "fr", rules: PlanningRules = .default) {
            self.slug = slug
            self.name = name
            self.timeZone = timeZone
            self.locale = locale
            self.rules = rules
        }
    }

    public func create(_ draft: Draft) async throws -> Organization {
        let name = try Validate.text(draft.name, "name")
        guard TimeZone(identifier: draft.timeZone) != nil else {
            throw DomainError.invalid("time_zone", "unknown time zone '\(draft.timeZone)'")
        }
        guard ["fr", "en"].contains(draft.locale) else { throw DomainError.invalid("locale", "locale must be fr or en") }
        guard draft.slug.range(of: "^[a-z0-9][a-z0-9-]{1,62}$", options: .regularExpression) != nil else {
            throw DomainError.invalid("slug", "slug must be 2-63 lowercase letters, digits or dashes")
        }
        try draft.rules.validate()
        let org = Organization(id: UUID(), slug: draft.slug, name: name, timeZone: draft.timeZone, locale: draft.locale, rules: draft.rules)
        let rules = String(decoding: try JSONEncoder().encode(draft.rules), as: UTF8.self)
        try await database.withConnection { connection in
            try await connection.query(
                """
                INSERT INTO organizations (id, slug, name, time_zone, locale, rules)
                VALUES (\(org.id), \(org.slug), \(org.name), \(org.timeZone), \(org.locale), \(rules)::jsonb)
                """, logger: database.logger)
        }
        return org
    }

    public func find(id: UUID) async throws -> Organization? {
        try await one("SELECT \(unescaped: Self.columns) FROM organizations WHERE id = \(id)")
    }

    public func find(slug: String) async throws -> Organization? {
        try await one("SELECT \(unescaped: Self.columns) FROM organizations WHERE slug = \(slug)")
    }

    public func get(id: UUID) async throws -> Organization {
        guard let org = try await find(id: id) else { throw DomainError.notFound("organization") }
        return org
    }

    /// Replaces the organisation's planning rules (after validation).
    public func updateRules(organizationID: UUID, rules: PlanningRules) async throws -> Organization {
        try rules.validate()
        let json = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
        try await database.withWrite(organizationID: organizationID) { connection in
            try await connection.query("UPDATE organizations SET rules = \(json)::jsonb WHERE id = \(organizationID)", logger: database.logger)
        }
        return try await get(id: organizationID)
    }

    private func one(_ query: PostgresQuery) async throws -> Organization? {
        try await database.withConnection { connection in try await connection.gathered(query, logger: database.logger, Self.make).first }
    }

    /// The columns ``make(_:)`` reads.
    static let columns = "id, slug, name, time_zone, locale, rules::text"

    /// An organisation from a row of ``columns``; rules that no longer decode fall back to the defaults.
    static func make(_ r: inout some ColumnReader) throws -> Organization {
        let id = try r.next(UUID.self), slug = try r.next(String.self), name = try r.next(String.self)
        let zone = try r.next(String.self), locale = try r.next(String.self), rules = try r.next(String.self)
        return Organization(id: id, slug: slug, name: name, timeZone: zone, locale: locale, rules: .stored(rules))
    }
}
