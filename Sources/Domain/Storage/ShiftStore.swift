import Foundation
import PostgresNIO

/// Shifts. Every write evaluates the organisation's planning rules inside a transaction that locks
/// the employee's row, so two concurrent writes for one employee cannot both pass the overlap check.
public struct ShiftStore: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    public struct Draft: Sendable, Codable {
        public var employeeID: UUID
        public var missionID: UUID
        public var siteID: UUID
        public var start: Date
        public var end: Date
        public var breakMinutes: Int?
        public var status: ShiftStatus?
        public var note: String?

        public init(employeeID: UUID, missionID: UUID, siteID: UUID, start: Date, end: Date, breakMinutes: Int? = 0, status: ShiftStatus? = .planned, note: String? = "") {
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
            case start, end, status, note
            case employeeID = "employee_id"
            case missionID = "mission_id"
            case siteID = "site_id"
            case breakMinutes = "break_minutes"
        }

        func validated(id: UUID) throws(DomainError) -> Shift {
            guard end > start else { throw .invalid("end", "end must be after start") }
            let minutes = Int(end.timeIntervalSince(start) / 60)
            guard minutes <= 24 * 60 else { throw .invalid("end", "a shift lasts at most 24 hours") }
            let breakMinutes = breakMinutes ?? 0
            guard breakMinutes >= 0, breakMinutes < minutes else {
                throw .invalid("break_minutes", "break_minutes must be at least 0 and shorter than the shift")
            }
            return Shift(
                id: id, employeeID: employeeID, missionID: missionID, siteID: siteID, start: start, end: end,
                breakMinutes: breakMinutes, status: status ?? .planned, note: try Validate.text(note ?? "", "note", max: 2000, allowEmpty: true))
        }
    }

    /// A write's outcome: the stored shift and the warnings the rules raised.
    public struct WriteResult: Sendable, Codable {
        public var shift: Shift
        public var warnings: [RuleViolation]
    }

    public struct Filter: Sendable {
        public var employeeID: UUID?
        public var missionID: UUID?
        public var siteID: UUID?
        public var from: Date?
        public var to: Date?
        public var status: ShiftStatus?
        public init(employeeID: UUID? = nil, missionID: UUID? = nil, siteID: UUID? = nil, from: Date? = nil, to: Date? = nil, status: ShiftStatus? = nil) {
            self.employeeID = employeeID
            self.missionID = missionID
            self.siteID = siteID
            self.from = from
            self.to = to
            self.status = status
        }
    }

    static let columns = "employee_id, \(employeeColumns)"
    /// A shift's columns but its employee's, for reads that know the employee (the planning week's).
    static let employeeColumns = "id, mission_id, site_id, starts_at, ends_at, break_minutes, status, note"

    /// A shift from ``columns``, read as the columns of a row or as the fields of a row value.
    static func make(_ r: inout some ColumnReader) throws -> Shift {
        let employeeID = try r.next(UUID.self)
        return try make(&r, employeeID: employeeID)
    }

    /// A shift of `employeeID` from ``employeeColumns``.
    static func make(_ r: inout some ColumnReader, employeeID: UUID) throws -> Shift {
        Shift(
            id: try r.next(UUID.self), employeeID: employeeID, missionID: try r.next(UUID.self),
            siteID: try r.next(UUID.self),
            start: try r.next(Date.self), end: try r.next(Date.self), breakMinutes: try r.next(Int.self),
            status: ShiftStatus(rawValue: try r.next(String.self)) ?? .planned, note: try r.next(String.self))
    }

    public func create(organizationID: UUID, _ draft: Draft, scope: AccessScope = .organization) async throws -> WriteResult {
        let shift = try draft.validated(id: UUID())
        return try await write(organizationID: organizationID, shift: shift, previous: nil, scope: scope)
    }

    public func update(organizationID: UUID, id: UUID, _ draft: Draft, scope: AccessScope = .organization) async throws -> WriteResult {
        let shift = try draft.validated(id: id)
        return try await write(organizationID: organizationID, shift: shift, previous: id, scope: scope)
    }

    public func get(organizationID: UUID, id: UUID, scope: AccessScope = .organization) async throws -> Shift {
        let own: UUID? = if case .employee(let e) = scope { e ?? UUID() } else { nil }
        let rows = try await database.withConnection { c in
            try await c.query(
                """
                SELECT \(unescaped: Self.columns) FROM shifts
                WHERE org_id = \(organizationID) AND id = \(id) AND (\(own)::uuid IS NULL OR employee_id = \(own))
                """, logger: database.logger
            ).all(Self.make)
        }
        guard let shift = rows.first else { throw DomainError.notFound("shift") }
        return shift
    }

    public func list(organizationID: UUID, filter: Filter = .init(), scope: AccessScope = .organization, page: PageRequest) async throws -> Page<Shift> {
        let own: UUID? = if case .employee(let e) = scope { e ?? UUID() } else { nil }
        let afterDate = page.after.flatMap { Double($0.key) }.map { Date(timeIntervalSince1970: $0) }
        if page.after != nil && afterDate == nil { throw DomainError.invalid("cursor", "the cursor is not valid") }
        let status = filter.status?.rawValue
        let rows = try await database.withConnection { c in
            try await c.gathered(
                """
                SELECT \(unescaped: Self.columns) FROM shifts
                WHERE org_id = \(organizationID)
                  AND (\(own)::uuid IS NULL OR employee_id = \(own))
                  AND (\(filter.employeeID)::uuid IS NULL OR employee_id = \(filter.employeeID))
                  AND (\(filter.missionID)::uuid IS NULL OR mission_id = \(filter.missionID))
                  AND (\(filter.siteID)::uuid IS NULL OR site_id = \(filter.siteID))
                  AND (\(filter.from)::timestamptz IS NULL OR ends_at > \(filter.from))
                  AND (\(filter.to)::timestamptz IS NULL OR starts_at < \(filter.to))
                  AND (\(status)::text IS NULL OR status = \(status))
                  AND (\(afterDate)::timestamptz IS NULL OR (starts_at, id) > (\(afterDate), \(page.after?.id)))
                ORDER BY starts_at, id LIMIT \(page.limit + 1)
                """, logger: database.logger, Self.make)
        }
        return page.page(rows, key: { String($0.start.timeIntervalSince1970) }, id: \.id)
    }

    public func delete(organizationID: UUID, id: UUID, scope: AccessScope = .organization) async throws {
        try await database.withWriteTransaction(organizationID: organizationID) { tx in
            let rows = try await tx.query(
                """
                SELECT s.site_id, e.team_id, s.employee_id FROM shifts s JOIN employees e ON e.org_id = s.org_id AND e.id = s.employee_id
                WHERE s.org_id = \(organizationID) AND s.id = \(id) FOR UPDATE OF s
                """, logger: database.logger
            ).rows((UUID, UUID?, UUID).self)
            guard let row = rows.first else { throw DomainError.notFound("shift") }
            guard scope.allows(siteID: row.0, teamID: row.1, employeeID: row.2) else {
                throw DomainError(.forbidden, "this shift is outside your sites and teams")
            }
            try await tx.query("DELETE FROM shifts WHERE org_id = \(organizationID) AND id = \(id)", logger: database.logger)
        }
    }

    private func write(organizationID: UUID, shift: Shift, previous: UUID?, scope: AccessScope) async throws -> WriteResult {
        let org = try await OrganizationStore(database: database).get(id: organizationID)
        return try await database.withWriteTransaction(organizationID: organizationID) { tx in
            let employees = try await tx.query(
                """
                SELECT \(unescaped: EmployeeStore.columns)
                FROM employees WHERE org_id = \(organizationID) AND id = \(shift.employeeID) FOR UPDATE
                """, logger: database.logger
            ).all(EmployeeStore.make)
            guard let employee = employees.first else { throw DomainError.invalid("employee_id", "no such employee") }
            guard scope.allows(siteID: shift.siteID, teamID: employee.teamID, employeeID: employee.id) else {
                throw DomainError(.forbidden, "this shift is outside your sites and teams")
            }
            let siteCount = try await tx.query("SELECT 1 FROM sites WHERE org_id = \(organizationID) AND id = \(shift.siteID)", logger: database.logger).collect().count
            guard siteCount == 1 else { throw DomainError.invalid("site_id", "no such site") }
            let missions = try await tx.query(
                "SELECT \(unescaped: MissionStore.columns) FROM missions WHERE org_id = \(organizationID) AND id = \(shift.missionID)",
                logger: database.logger
            ).rows((UUID, String, String, UUID?, String, String, Int, Int).self).map(MissionStore.make)
            guard let mission = missions.first else { throw DomainError.invalid("mission_id", "no such mission") }

            if let previous {
                let old = try await tx.query(
                    """
                    SELECT s.site_id, e.team_id, s.employee_id FROM shifts s JOIN employees e ON e.org_id = s.org_id AND e.id = s.employee_id
                    WHERE s.org_id = \(organizationID) AND s.id = \(previous) FOR UPDATE OF s
                    """, logger: database.logger
                ).rows((UUID, UUID?, UUID).self)
                guard let row = old.first else { throw DomainError.notFound("shift") }
                guard scope.allows(siteID: row.0, teamID: row.1, employeeID: row.2) else {
                    throw DomainError(.forbidden, "this shift is outside your sites and teams")
                }
            }

            let window: TimeInterval = 9 * 24 * 3600
            let (from, to) = (shift.start.addingTimeInterval(-window), shift.end.addingTimeInterval(window))
            let others = try await tx.gathered(
                """
                SELECT \(unescaped: Self.columns) FROM shifts
                WHERE org_id = \(organizationID) AND employee_id = \(employee.id) AND starts_at >= \(from) AND starts_at < \(to)
                """, logger: database.logger, Self.make)
            let engine = RuleEngine(rules: org.rules, timeZone: org.zone)
            let violations = engine.evaluate(
                candidate: shift, others: others, context: .init(employee: employee, missions: [mission.id: mission]))
            if violations.contains(where: { $0.severity == .blocking }) {
                throw DomainError(.ruleViolation, "the shift breaks planning rules", violations: violations)
            }
            if previous == nil {
                try await tx.query(
                    """
                    INSERT INTO shifts (org_id, id, employee_id, mission_id, site_id, starts_at, ends_at, break_minutes, status, note)
                    VALUES (\(organizationID), \(shift.id), \(shift.employeeID), \(shift.missionID), \(shift.siteID), \(shift.start),
                            \(shift.end), \(shift.breakMinutes), \(shift.status.rawValue), \(shift.note))
                    """, logger: database.logger)
            } else {
                try await tx.query(
                    """
                    UPDATE shifts SET employee_id = \(shift.employeeID), mission_id = \(shift.missionID), site_id = \(shift.siteID),
                      starts_at = \(shift.start), ends_at = \(shift.end), break_minutes = \(shift.breakMinutes),
                      status = \(shift.status.rawValue), note = \(shift.note), updated_at = now()
                    WHERE org_id = \(organizationID) AND id = \(shift.id)
                    """, logger: database.logger)
            }
            return WriteResult(shift: shift, warnings: violations)
        }
    }
}
