import Foundation

/// A tenant. Every other row belongs to exactly one organisation.
public struct Organization: Sendable, Codable, Equatable {
    public var id: UUID
    public var slug: String
    public var name: String
    /// IANA time zone planning days and weeks are computed in (`Europe/Paris`).
    public var timeZone: String
    /// Default locale for the organisation's users (`fr` or `en`).
    public var locale: String
    public var rules: PlanningRules

    public init(id: UUID, slug: String, name: String, timeZone: String, locale: String, rules: PlanningRules) {
        self.id = id
        self.slug = slug
        self.name = name
        self.timeZone = timeZone
        self.locale = locale
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey {
        case id, slug, name, locale, rules
        case timeZone = "time_zone"
    }

    /// The organisation's time zone; UTC if the stored identifier is unknown to this system.
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }
}

public struct Site: Sendable, Codable, Equatable {
    public var id: UUID
    public var name: String
    public var address: String

    public init(id: UUID, name: String, address: String) {
        self.id = id
        self.name = name
        self.address = address
    }
}

public struct Team: Sendable, Codable, Equatable {
    public var id: UUID
    public var name: String
    public var siteID: UUID?

    public init(id: UUID, name: String, siteID: UUID?) {
        self.id = id
        self.name = name
        self.siteID = siteID
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case siteID = "site_id"
    }
}

public struct Employee: Sendable, Codable, Equatable {
    public var id: UUID
    public var name: String
    public var email: String
    public var teamID: UUID?
    public var siteID: UUID?
    /// Weekly contract time in minutes (35 h = 2100).
    public var weeklyContractMinutes: Int
    public var hourlyCostCents: Int
    public var active: Bool

    public init(
        id: UUID, name: String, email: String, teamID: UUID?, siteID: UUID?, weeklyContractMinutes: Int,
        hourlyCostCents: Int, active: Bool
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.teamID = teamID
        self.siteID = siteID
        self.weeklyContractMinutes = weeklyContractMinutes
        self.hourlyCostCents = hourlyCostCents
        self.active = active
    }

    enum CodingKeys: String, CodingKey {
        case id, name, email, active
        case teamID = "team_id"
        case siteID = "site_id"
        case weeklyContractMinutes = "weekly_contract_minutes"
        case hourlyCostCents = "hourly_cost_cents"
    }
}

public struct Mission: Sendable, Codable, Equatable {
    public var id: UUID
    public var client: String
    public var name: String
    public var siteID: UUID?
    public var startDate: LocalDate
    public var endDate: LocalDate
    public var budgetCents: Int
    public var billingRateCents: Int

    public init(
        id: UUID, client: String, name: String, siteID: UUID?, startDate: LocalDate, endDate: LocalDate,
        budgetCents: Int, billingRateCents: Int
    ) {
        self.id = id
        self.client = client
        self.name = name
        self.siteID = siteID
        self.startDate = startDate
        self.endDate = endDate
        self.budgetCents = budgetCents
        self.billingRateCents = billingRateCents
    }

    enum CodingKeys: String, CodingKey {
        case id, client, name
        case siteID = "site_id"
        case startDate = "start_date"
        case endDate = "end_date"
        case budgetCents = "budget_cents"
        case billingRateCents = "billing_rate_cents"
    }
}

public enum ShiftStatus: String, Sendable, Codable, CaseIterable {
    case planned, confirmed, cancelled
}

public struct Shift: Sendable, Codable, Equatable {
    public var id: UUID
    public var employeeID: UUID
    public var missionID: UUID
    public var siteID: UUID
    public var start: Date
    public var end: Date
    public var breakMinutes: Int
    public var status: ShiftStatus
    public var note: String

    public init(
        id: UUID, employeeID: UUID, missionID: UUID, siteID: UUID, start: Date, end: Date, breakMinutes: Int,
        status: ShiftStatus, note: String
    ) {
        self.id = id
        self.employeeID = employeeID
        self.missionID = missionID
        self.siteID = siteID
        self.start = start
        self.end = end
        self.breakMinutes = breakMinutes
        self.status = status
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, start, end, status, note
        case employeeID = "employee_id"
        case missionID = "mission_id"
        case siteID = "site_id"
        case breakMinutes = "break_minutes"
    }

    /// Time worked: duration minus the break, never negative.
    public var workedMinutes: Int {
        max(0, Int(end.timeIntervalSince(start) / 60) - breakMinutes)
    }
}

public enum Role: String, Sendable, Codable, CaseIterable {
    case admin, manager, employee
}

/// A login account of an organisation (credentials live in the Security module).
public struct UserAccount: Sendable, Codable, Equatable {
    public var id: UUID
    public var organizationID: UUID
    public var email: String
    public var role: Role
    public var employeeID: UUID?
    /// Sites and teams a manager plans for.
    public var siteIDs: [UUID]
    public var teamIDs: [UUID]
    public var locale: String?

    public init(
        id: UUID, organizationID: UUID, email: String, role: Role, employeeID: UUID?, siteIDs: [UUID] = [],
        teamIDs: [UUID] = [], locale: String? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.email = email
        self.role = role
        self.employeeID = employeeID
        self.siteIDs = siteIDs
        self.teamIDs = teamIDs
        self.locale = locale
    }

    enum CodingKeys: String, CodingKey {
        case id, email, role, locale
        case organizationID = "organization_id"
        case employeeID = "employee_id"
        case siteIDs = "site_ids"
        case teamIDs = "team_ids"
    }
}

extension Shift {
    /// Chronological order, as the shift list and PostgreSQL's `ORDER BY starts_at, id` give it: by
    /// start, then by id (byte by byte, as PostgreSQL compares uuids).
    public static func startsBefore(_ a: Shift, _ b: Shift) -> Bool {
        if a.start != b.start { return a.start < b.start }
        return withUnsafeBytes(of: a.id.uuid) { x in withUnsafeBytes(of: b.id.uuid) { y in x.lexicographicallyPrecedes(y) } }
    }
}
