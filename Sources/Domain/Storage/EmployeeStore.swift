import Foundation
import PostgresNIO

/// Employees of an organisation.
public struct EmployeeStore: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    public struct Draft: Sendable, Codable {
        public var name: String
        public var email: String
        public var teamID: UUID?
        public var siteID: UUID?
        public var weeklyContractMinutes: Int
        public var hourlyCostCents: Int
        public var active: Bool?

        public init(name: String, email: String, teamID: UUID?, siteID: UUID?, weeklyContractMinutes: Int, hourlyCostCents: Int, active: Bool? = true) {
            self.name = name
            self.email = email
            self.teamID = teamID
            self.siteID = siteID
            self.weeklyContractMinutes = weeklyContractMinutes
            self.hourlyCostCents = hourlyCostCents
            self.active = active
        }

        enum CodingKeys: String, CodingKey {
            case name, email, active
            case teamID = "team_id"
            case siteID = "site_id"
            case weeklyContractMinutes = "weekly_contract_minutes"
            case hourlyCostCents = "hourly_cost_cents"
        }

        func validated(id: UUID) throws(DomainError) -> Employee {
            Employee(
                id: id, name: try Validate.text(name, "name"), email: try Validate.email(email),
                teamID: teamID, siteID: siteID,
                weeklyContractMinutes: try Validate.range(weeklyContractMinutes, 0...(7 * 24 * 60), "weekly_contract_minutes"),
                hourlyCostCents: try Validate.range(hourlyCostCents, 0...10_000_000, "hourly_cost_cents"), active: active ?? true)
        }
    }

    public struct Filter: Sendable, Equatable {
        public var siteID: UUID?
        public var teamID: UUID?
        public var active: Bool?
        public var query: String?
        public init(siteID: UUID? = nil, teamID: UUID? = nil, active: Bool? = nil, query: String? = nil) {
            self.siteID = siteID
            self.teamID = teamID
            self.active = active
            self.query = query
        }
    }

    public func create(organizationID: UUID, _ draft: Draft) async throws -> Employee {
        let e = try draft.validated(id: UUID())
        try await database.withWrite(organizationID: organizationID) { c in
            try await c.query(
                """
                INSERT INTO employees (org_id, id, name, email, team_id, site_id, weekly_contract_minutes, hourly_cost_cents, active)
                VALUES (\(organizationID), \(e.id), \(e.name), \(e.email), \(e.teamID), \(e.siteID), \(e.weeklyContractMinutes), \(e.hourlyCostCents), \(e.active))
                """, logger: database.logger)
        }
        return e
    }

    public func update(organizationID: UUID, id: UUID, _ draft: Draft) async throws -> Employee {
        let e = try draft.validated(id: id)
        let n = try await database.withWrite(organizationID: organizationID) { c in
            try await c.query(
                """
                UPDATE employees SET name = \(e.name), email = \(e.email), team_id = \(e.teamID), site_id = \(e.siteID),
                  weekly_contract_minutes = \(e.weeklyContractMinutes), hourly_cost_cents = \(e.hourlyCostCents), active = \(e.active)
                WHERE org_id = \(organizationID) AND id = \(id) RETURNING id
                """, logger: database.logger
            ).collect().count
        }
        guard n == 1 else { throw DomainError.notFound("employee") }
        return e
    }

    public func get(organizationID: UUID, id: UUID, scope: AccessScope = .organization) async throws -> Employee {
        guard let e = try await find(organizationID: organizationID, ids: [id]).first,
            scope.allows(siteID: e.siteID, teamID: e.teamID, employeeID: e.id)
        else { throw DomainError.notFound("employee") }
        return e
    }

    /// Employees by id (missing ids are skipped).
    public func find(organizationID: UUID, ids: [UUID]) async throws -> [Employee] {
        try await database.withConnection { c in
            try await c.query(
                """
                SELECT \(unescaped: Self.columns)
                FROM employees WHERE org_id = \(organizationID) AND id = ANY(\(ids)) ORDER BY name, id
                """, logger: database.logger
            ).all(Self.make)
        }
    }

    public func list(organizationID: UUID, filter: Filter = .init(), scope: AccessScope = .organization, page: PageRequest) async throws -> Page<Employee> {
        let pattern = filter.query.map { "%\(SiteStore.escapeLike($0))%" }
        let own: UUID? = if case .employee(let id) = scope { id ?? UUID() } else { nil }
        let rows = try await database.withConnection { c in
            try await c.gathered(
                """
                SELECT \(unescaped: Self.columns)
                FROM employees
                WHERE org_id = \(organizationID)
                  AND (\(own)::uuid IS NULL OR id = \(own))
                  AND (\(filter.siteID)::uuid IS NULL OR site_id = \(filter.siteID))
                  AND (\(filter.teamID)::uuid IS NULL OR team_id = \(filter.teamID))
                  AND (\(filter.active)::boolean IS NULL OR active = \(filter.active))
                  AND (\(pattern)::text IS NULL OR name ILIKE \(pattern) OR email ILIKE \(pattern))
                  AND (\(page.after?.key)::text IS NULL OR (name, id) > (\(page.after?.key), \(page.after?.id)))
                ORDER BY name, id LIMIT \(page.limit + 1)
                """, logger: database.logger, Self.make)
        }
        return page.page(rows, key: \.name, id: \.id)
    }

    public func delete(organizationID: UUID, id: UUID) async throws {
        try await SiteStore(database: database).delete("employees", organizationID, id, "employee")
    }

    /// An employee from ``columns``, read as the columns of a row or as the fields of a row value.
    static func make(_ r: inout some ColumnReader) throws -> Employee {
        Employee(
            id: try r.next(UUID.self), name: try r.next(String.self), email: try r.next(String.self), teamID: try r.next(UUID?.self),
            siteID: try r.next(UUID?.self), weeklyContractMinutes: try r.next(Int.self), hourlyCostCents: try r.next(Int.self),
            active: try r.next(Bool.self))
    }

    /// The columns ``make(_:)`` reads.
    static let columns = "id, name, email, team_id, site_id, weekly_contract_minutes, hourly_cost_cents, active"
}
