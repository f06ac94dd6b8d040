import Foundation
import PostgresNIO

/// Missions (client projects) of an organisation.
public struct MissionStore: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    public struct Draft: Sendable, Codable {
        public var client: String
        public var name: String
        public var siteID: UUID?
        public var startDate: LocalDate
        public var endDate: LocalDate
        public var budgetCents: Int
        public var billingRateCents: Int

        public init(client: String, name: String, siteID: UUID?, startDate: LocalDate, endDate: LocalDate, budgetCents: Int, billingRateCents: Int) {
            self.client = client
            self.name = name
            self.siteID = siteID
            self.startDate = startDate
            self.endDate = endDate
            self.budgetCents = budgetCents
            self.billingRateCents = billingRateCents
        }

        enum CodingKeys: String, CodingKey {
            case client, name
            case siteID = "site_id"
            case startDate = "start_date"
            case endDate = "end_date"
            case budgetCents = "budget_cents"
            case billingRateCents = "billing_rate_cents"
        }

        func validated(id: UUID) throws(DomainError) -> Mission {
            guard endDate >= startDate else { throw .invalid("end_date", "end_date must not be before start_date") }
            return Mission(
                id: id, client: try Validate.text(client, "client"), name: try Validate.text(name, "name"), siteID: siteID,
                startDate: startDate, endDate: endDate,
                budgetCents: try Validate.range(budgetCents, 0...Int(Int32.max) * 1000, "budget_cents"),
                billingRateCents: try Validate.range(billingRateCents, 0...10_000_000, "billing_rate_cents"))
        }
    }

    static let columns = "id, client, name, site_id, to_char(start_date, 'YYYY-MM-DD'), to_char(end_date, 'YYYY-MM-DD'), budget_cents, billing_rate_cents"

    public func create(organizationID: UUID, _ draft: Draft) async throws -> Mission {
        let m = try draft.validated(id: UUID())
        try await database.withWrite(organizationID: organizationID) { c in
            try await c.query(
                """
                INSERT INTO missions (org_id, id, client, name, site_id, start_date, end_date, budget_cents, billing_rate_cents)
                VALUES (\(organizationID), \(m.id), \(m.client), \(m.name), \(m.siteID), \(m.startDate.description)::date,
                        \(m.endDate.description)::date, \(m.budgetCents), \(m.billingRateCents))
                """, logger: database.logger)
        }
        return m
    }

    public func update(organizationID: UUID, id: UUID, _ draft: Draft) async throws -> Mission {
        let m = try draft.validated(id: id)
        let n = try await database.withWrite(organizationID: organizationID) { c in
            try await c.query(
                """
                UPDATE missions SET client = \(m.client), name = \(m.name), site_id = \(m.siteID),
                  start_date = \(m.startDate.description)::date, end_date = \(m.endDate.description)::date,
                  budget_cents = \(m.budgetCents), billing_rate_cents = \(m.billingRateCents)
                WHERE org_id = \(organizationID) AND id = \(id) RETURNING id
                """, logger: database.logger
            ).collect().count
        }
        guard n == 1 else { throw DomainError.notFound("mission") }
        return m
    }

    public func get(organizationID: UUID, id: UUID) async throws -> Mission {
        guard let m = try await find(organizationID: organizationID, ids: [id]).first else { throw DomainError.notFound("mission") }
        return m
    }

    public func find(organizationID: UUID, ids: [UUID]) async throws -> [Mission] {
        try await database.withConnection { c in
            try await c.query(
                "SELECT \(unescaped: Self.columns) FROM missions WHERE org_id = \(organizationID) AND id = ANY(\(ids))",
                logger: database.logger
            ).rows((UUID, String, String, UUID?, String, String, Int, Int).self).map(Self.make)
        }
    }

    public func list(organizationID: UUID, siteID: UUID? = nil, activeOn: LocalDate? = nil, query: String? = nil, page: PageRequest) async throws -> Page<Mission> {
        let pattern = query.map { "%\(SiteStore.escapeLike($0))%" }
        let day = activeOn?.description
        let rows = try await database.withConnection { c in
            try await c.query(
                """
                SELECT \(unescaped: Self.columns) FROM missions
                WHERE org_id = \(organizationID)
                  AND (\(siteID)::uuid IS NULL OR site_id = \(siteID))
                  AND (\(day)::date IS NULL OR \(day)::date BETWEEN start_date AND end_date)
                  AND (\(pattern)::text IS NULL OR name ILIKE \(pattern) OR client ILIKE \(pattern))
                  AND (\(page.after?.key)::text IS NULL OR (name, id) > (\(page.after?.key), \(page.after?.id)))
                ORDER BY name, id LIMIT \(page.limit + 1)
                """, logger: database.logger
            ).rows((UUID, String, String, UUID?, String, String, Int, Int).self).map(Self.make)
        }
        return page.page(rows, key: \.name, id: \.id)
    }

    public func delete(organizationID: UUID, id: UUID) async throws {
        try await SiteStore(database: database).delete("missions", organizationID, id, "mission")
    }

    static func make(_ r: (UUID, String, String, UUID?, String, String, Int, Int)) -> Mission {
        Mission(id: r.0, client: r.1, name: r.2, siteID: r.3, startDate: LocalDate(r.4)!, endDate: LocalDate(r.5)!, budgetCents: r.6, billingRateCents: r.7)
    }

    /// A mission from ``columns``, read as the columns of a row or as the fields of a row value.
    static func make(_ r: inout some ColumnReader) throws -> Mission {
        make((
            try r.next(UUID.self), try r.next(String.self), try r.next(String.self), try r.next(UUID?.self), try r.next(String.self),
            try r.next(String.self), try r.next(Int.self), try r.next(Int.self)
        ))
    }
}
