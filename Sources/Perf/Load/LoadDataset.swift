import Domain
import Foundation
import PostgresNIO

/// What the load scripts need to know about the seeded organisation: a team of about 50 people for the
/// planning week, its site, the first seeded week, and free (employee, mission) slots for shift creation.
public struct LoadDataset: Sendable, Codable {
    public struct Slot: Sendable, Codable {
        public var employeeID: UUID
        public var siteID: UUID
        public var missionID: UUID
        enum CodingKeys: String, CodingKey {
            case employeeID = "employee_id"
            case siteID = "site_id"
            case missionID = "mission_id"
        }
    }

    public var organizationID: UUID
    public var teamID: UUID
    public var teamEmployees: Int
    public var siteID: UUID
    public var weekStart: LocalDate
    /// The first Monday after the seeded weeks (missions run a month longer): shift creation uses it.
    public var firstFreeMonday: LocalDate
    public var employees: Int
    public var shifts: Int
    public var slots: [Slot]
    /// The team's active employees, as the planning week reads them (its shift read is given their ids).
    public var teamEmployeeIDs: [UUID]

    public init(
        organizationID: UUID, teamID: UUID, teamEmployees: Int, siteID: UUID, weekStart: LocalDate, firstFreeMonday: LocalDate,
        employees: Int, shifts: Int, slots: [Slot], teamEmployeeIDs: [UUID] = []
    ) {
        self.organizationID = organizationID
        self.teamID = teamID
        self.teamEmployees = teamEmployees
        self.siteID = siteID
        self.weekStart = weekStart
        self.firstFreeMonday = firstFreeMonday
        self.employees = employees
        self.shifts = shifts
        self.slots = slots
        self.teamEmployeeIDs = teamEmployeeIDs
    }

    enum CodingKeys: String, CodingKey {
        case slots = "employees_slots"
        case employees, shifts
        case organizationID = "organization_id"
        case teamID = "team_id"
        case teamEmployees = "team_employees"
        case siteID = "site_id"
        case weekStart = "week_start"
        case firstFreeMonday = "first_free_monday"
        case teamEmployeeIDs = "team_employee_ids"
    }

    public static func describe(database: Database, organizationID org: UUID, firstWeek: LocalDate, weeks: Int, teamSize: Int = 50) async throws -> LoadDataset {
        try await database.withConnection { c in
            let teams = try await c.query(
                """
                SELECT e.team_id, t.site_id, count(*)::bigint FROM employees e JOIN teams t ON t.org_id = e.org_id AND t.id = e.team_id
                WHERE e.org_id = \(org) AND e.active GROUP BY e.team_id, t.site_id
                ORDER BY abs(count(*) - \(teamSize)), e.team_id LIMIT 1
                """, logger: database.logger
            ).rows((UUID, UUID, Int).self)
            guard let team = teams.first else { throw DomainError(.notFound, "the organisation has no team with employees") }
            let slots = try await c.query(
                """
                SELECT e.id, e.site_id,
                       (SELECT m.id FROM missions m WHERE m.org_id = e.org_id AND m.site_id = e.site_id ORDER BY m.id LIMIT 1)
                FROM employees e WHERE e.org_id = \(org) AND e.active AND e.site_id IS NOT NULL ORDER BY e.id
                """, logger: database.logger
            ).rows((UUID, UUID, UUID?).self).compactMap { row in
                row.2.map { Slot(employeeID: row.0, siteID: row.1, missionID: $0) }
            }
            let shifts = try await c.query("SELECT count(*)::bigint FROM shifts WHERE org_id = \(org)", logger: database.logger)
                .decode(Int.self).collect().first ?? 0
            let members = try await c.query(
                "SELECT id FROM employees WHERE org_id = \(org) AND active AND team_id = \(team.0) ORDER BY name, id", logger: database.logger
            ).decode(UUID.self).collect()
            let monday = firstWeek.mondayOfWeek
            return LoadDataset(
                organizationID: org, teamID: team.0, teamEmployees: team.2, siteID: team.1, weekStart: monday,
                firstFreeMonday: monday.adding(days: weeks * 7), employees: slots.count, shifts: shifts, slots: slots, teamEmployeeIDs: members)
        }
    }

    /// The data of one uncached planning week of the team as psql would ask for it, as one pgbench
    /// transaction: the organisation, the team's employees, their shifts (given the employees' ids,
    /// unordered: the server orders each day's shifts itself), the missions. Plain SQL with its values
    /// written in: PostgreSQL parses and plans it on every run, which the server's prepared statement
    /// spares it. The server asks for the same rows in one statement, each part a row value
    /// (`WeekRead`); through pgbench that statement takes longer than these four (PostgreSQL prints
    /// row values as text slowly, which the server, reading them in binary, does not pay), so the
    /// four are the stricter baseline. The missions read is the site's (the server's names the
    /// missions its shifts refer to, a handful of rows either way).
    public var planningWeekSQL: String {
        let from = "'\(weekStart.adding(days: -1))'::date", to = "'\(weekStart.adding(days: 8))'::date"
        let members = "'{" + teamEmployeeIDs.map(\.uuidString).joined(separator: ",") + "}'::uuid[]"
        return """
            SELECT id, slug, name, time_zone, locale, rules::text FROM organizations WHERE id = '\(organizationID)';
            SELECT id, name, email, team_id, site_id, weekly_contract_minutes, hourly_cost_cents, active FROM employees
              WHERE org_id = '\(organizationID)' AND active AND team_id = '\(teamID)' ORDER BY name, id;
            SELECT id, employee_id, mission_id, site_id, starts_at, ends_at, break_minutes, status, note FROM shifts
              WHERE org_id = '\(organizationID)' AND employee_id = ANY(\(members)) AND starts_at >= \(from) AND starts_at < \(to);
            SELECT id, client, name, site_id, start_date, end_date, budget_cents, billing_rate_cents FROM missions
              WHERE org_id = '\(organizationID)' AND site_id = '\(siteID)';

            """
    }
}
