import Foundation
import PostgresNIO

/// A week of planning: employees x days with their shifts, totals and rule violations.
public struct PlanningWeek: Sendable, Codable {
    public struct Cell: Sendable, Codable {
        public var date: LocalDate
        public var shifts: [Shift]
        public var workedMinutes: Int
        public init(date: LocalDate, shifts: [Shift], workedMinutes: Int) {
            self.date = date
            self.shifts = shifts
            self.workedMinutes = workedMinutes
        }
        enum CodingKeys: String, CodingKey {
            case date, shifts
            case workedMinutes = "worked_minutes"
        }
    }

    public struct Row: Sendable, Codable {
        public var employee: Employee
        public var days: [Cell]
        public var weekMinutes: Int
        public var contractMinutes: Int
        /// Planned minus contract time (negative when under contract).
        public var deltaMinutes: Int
        public var overtime: Overtime
        public var violations: [RuleViolation]
        public init(
            employee: Employee, days: [Cell], weekMinutes: Int, contractMinutes: Int, deltaMinutes: Int, overtime: Overtime, violations: [RuleViolation]
        ) {
            self.employee = employee
            self.days = days
            self.weekMinutes = weekMinutes
            self.contractMinutes = contractMinutes
            self.deltaMinutes = deltaMinutes
            self.overtime = overtime
            self.violations = violations
        }
        enum CodingKeys: String, CodingKey {
            case employee, days, overtime, violations
            case weekMinutes = "week_minutes"
            case contractMinutes = "contract_minutes"
            case deltaMinutes = "delta_minutes"
        }
    }

    public var weekStart: LocalDate
    public var timeZone: String
    public var days: [LocalDate]
    public var rows: [Row]
    public var dayTotals: [Int]
    public var totalMinutes: Int

    public init(weekStart: LocalDate, timeZone: String, days: [LocalDate], rows: [Row], dayTotals: [Int], totalMinutes: Int) {
        self.weekStart = weekStart
        self.timeZone = timeZone
        self.days = days
        self.rows = rows
        self.dayTotals = dayTotals
        self.totalMinutes = totalMinutes
    }

    enum CodingKeys: String, CodingKey {
        case days, rows
        case weekStart = "week_start"
        case timeZone = "time_zone"
        case dayTotals = "day_totals_minutes"
        case totalMinutes = "total_minutes"
    }

    /// Assembles a week from already-loaded rows, in any order (a day shows its shifts by start, then
    /// id). Pure, so it is benchmarked and tested alone.
    public static func assemble(
        weekStart monday: LocalDate, organization: Organization, employees: [Employee], shifts: [Shift], missions: [UUID: Mission]
    ) -> PlanningWeek {
        assemble(
            weekStart: monday, organization: organization, employees: employees, shifts: Assembly.grouped(shifts),
            missions: missions)
    }

    /// ``assemble(weekStart:organization:employees:shifts:missions:)`` from each employee's shifts, in order of start.
    static func assemble(
        weekStart monday: LocalDate, organization: Organization, employees: [Employee], shifts: [UUID: [Shift]], missions: [UUID: Mission]
    ) -> PlanningWeek {
        let assembly = Assembly(weekStart: monday, organization: organization, shifts: shifts, missions: missions)
        var dayTotals = Array(repeating: 0, count: 7)
        let rows = employees.map { assembly.row(of: $0, dayTotals: &dayTotals) }
        return PlanningWeek(
            weekStart: monday, timeZone: organization.timeZone, days: assembly.days, rows: rows, dayTotals: dayTotals,
            totalMinutes: dayTotals.reduce(0, +))
    }

    /// The JSON of the week ``assemble(weekStart:organization:employees:shifts:missions:)`` makes, the
    /// same bytes, with the rows of each half of the employees made and written at the same time.
    ///
    /// Making a 48-person week's rows (its rules judged) and writing their 113 KB of JSON took the
    /// server about 0.85 ms after the last row arrived from PostgreSQL, one after the other on one
    /// core while the other waited. Two halves run side by side; at full load, when both cores are
    /// busy anyway, the split costs one more task and one copy of each half into the answer.
    public static func json(
        weekStart monday: LocalDate, organization: Organization, employees: [Employee], shifts: [Shift], missions: [UUID: Mission]
    ) async -> Data {
        await json(
            weekStart: monday, organization: organization, employees: employees, shifts: Assembly.grouped(shifts),
            missions: missions)
    }

    /// ``json(weekStart:organization:employees:shifts:missions:)`` from each employee's shifts, in order of start.
    static func json(
        weekStart monday: LocalDate, organization: Organization, employees: [Employee], shifts: [UUID: [Shift]], missions: [UUID: Mission]
    ) async -> Data {
        let assembly = Assembly(weekStart: monday, organization: organization, shifts: shifts, missions: missions)
        let parts: [(json: Data, dayTotals: [Int])]
        if employees.count >= parallelRowsFrom {
            let middle = employees.count / 2
            async let second = assembly.rowsJSON(employees[middle...])
            let first = assembly.rowsJSON(employees[..<middle])
            parts = [first, await second]
        } else {
            parts = [assembly.rowsJSON(employees[...])]
        }
        var dayTotals = Array(repeating: 0, count: 7)
        for part in parts { for day in 0..<7 { dayTotals[day] += part.dayTotals[day] } }
        var w = JSONWriter(capacity: parts.reduce(512) { $0 + $1.json.count })
        w.object { w in
            writeHead(of: monday, timeZone: organization.timeZone, days: assembly.days, to: &w)
            w.key("rows"); w.array(parts) { w, part in w.values(part.json) }
            writeTotals(dayTotals, total: dayTotals.reduce(0, +), to: &w)
        }
        return w.data()
    }

    /// The fewest employees whose rows are made in two halves at once; below, one task makes them all.
    static let parallelRowsFrom = 16

    /// What making a week's rows needs, made once for all of them: the week's days, its rules, each
    /// employee's shifts in order of start.
    struct Assembly: Sendable {
        let monday: LocalDate
        let organization: Organization
        let days: [LocalDate]
        let engine: RuleEngine
        let zoneDays: ZoneDays
        /// The week the rules judge (made once, not for each row).
        let weeks: Set<LocalDate>
        let missions: [UUID: Mission]
        let byEmployee: [UUID: [Shift]]

        /// `shifts`: each employee's, in order of start (``Shift/startsBefore(_:_:)``).
        init(weekStart monday: LocalDate, organization: Organization, shifts: [UUID: [Shift]], missions: [UUID: Mission]) {
            let zone = organization.zone
            self.monday = monday
            self.organization = organization
            self.days = (0..<7).map { monday.adding(days: $0) }
            self.engine = RuleEngine(rules: organization.rules, timeZone: zone)
            let first = shifts.values.lazy.compactMap(\.first?.start).min()
            self.zoneDays = ZoneDays(zone, from: first ?? monday.startInstant(in: zone))
            self.weeks = [monday]
            self.missions = missions
            self.byEmployee = shifts
        }

        /// `shifts` (in any order) by employee, each employee's in order of start.
        static func grouped(_ shifts: [Shift]) -> [UUID: [Shift]] {
            var byEmployee: [UUID: [Shift]] = [:]
            for shift in shifts { byEmployee[shift.employeeID, default: []].append(shift) }
            for key in byEmployee.keys { byEmployee[key]!.sort(by: Shift.startsBefore) }
            return byEmployee
        }

        /// The row of one employee; its worked minutes are added to `dayTotals`.
        func row(of employee: Employee, dayTotals: inout [Int]) -> Row {
            let own = byEmployee[employee.id] ?? []
            var cells = days.map { Cell(date: $0, shifts: [], workedMinutes: 0) }
            for shift in own {
                let index = monday.days(to: zoneDays.date(of: shift.start))
                guard (0..<7).contains(index) else { continue }
                cells[index].shifts.append(shift)
                if shift.status != .cancelled {
                    cells[index].workedMinutes += shift.workedMinutes
                    dayTotals[index] += shift.workedMinutes
                }
            }
            let week = cells.reduce(0) { $0 + $1.workedMinutes }
            let violations = engine.evaluate(
                own, context: .init(employee: employee, missions: missions), weeks: weeks, days: zoneDays)
            return Row(
                employee: employee, days: cells, weekMinutes: week, contractMinutes: employee.weeklyContractMinutes,
                deltaMinutes: week - employee.weeklyContractMinutes, overtime: Overtime(workedMinutes: week, rules: organization.rules),
                violations: violations)
        }

        /// The rows of `employees` written one after the other (to be put in the week's array), and
        /// the minutes they add to each day.
        func rowsJSON(_ employees: ArraySlice<Employee>) -> (json: Data, dayTotals: [Int]) {
            var dayTotals = Array(repeating: 0, count: 7)
            var w = JSONWriter(capacity: 2_560 * employees.count)
            for employee in employees { row(of: employee, dayTotals: &dayTotals).write(to: &w) }
            return (w.data(), dayTotals)
        }
    }
}

/// A mission's staffing: who works on it, planned hours and cost against the budget.
public struct MissionStaffing: Sendable, Codable {
    public struct Line: Sendable, Codable {
        public var employeeID: UUID
        public var employeeName: String
        public var shifts: Int
        public var plannedMinutes: Int
        public var costCents: Int
        enum CodingKeys: String, CodingKey {
            case shifts
            case employeeID = "employee_id"
            case employeeName = "employee_name"
            case plannedMinutes = "planned_minutes"
            case costCents = "cost_cents"
        }
    }
    public var mission: Mission
    public var lines: [Line]
    public var plannedMinutes: Int
    public var costCents: Int
    public var billableCents: Int
    public var budgetCents: Int
    /// Budget left after the planned cost (negative when over budget).
    public var remainingBudgetCents: Int

    enum CodingKeys: String, CodingKey {
        case mission, lines
        case plannedMinutes = "planned_minutes"
        case costCents = "cost_cents"
        case billableCents = "billable_cents"
        case budgetCents = "budget_cents"
        case remainingBudgetCents = "remaining_budget_cents"
    }
}

/// Planning queries: a week of a site or team, an employee's week, a mission's staffing.
public struct PlanningService: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    /// The week containing `date` (weeks start on Monday in the organisation's time zone).
    public func week(
        organizationID: UUID, containing date: LocalDate, siteID: UUID? = nil, teamID: UUID? = nil, employeeID: UUID? = nil,
        scope: AccessScope = .organization
    ) async throws -> PlanningWeek {
        try await read(organizationID: organizationID, containing: date, siteID: siteID, teamID: teamID, employeeID: employeeID, scope: scope).week
    }

    /// The JSON of ``week(organizationID:containing:siteID:teamID:employeeID:scope:)``, as the API
    /// answers with it: the same bytes, made by ``PlanningWeek/json(weekStart:organization:employees:shifts:missions:)``.
    public func weekJSON(
        organizationID: UUID, containing date: LocalDate, siteID: UUID? = nil, teamID: UUID? = nil, employeeID: UUID? = nil,
        scope: AccessScope = .organization
    ) async throws -> Data {
        try await read(organizationID: organizationID, containing: date, siteID: siteID, teamID: teamID, employeeID: employeeID, scope: scope).json()
    }

    private func read(
        organizationID: UUID, containing date: LocalDate, siteID: UUID?, teamID: UUID?, employeeID: UUID?, scope: AccessScope
    ) async throws -> WeekRead {
        try await WeekRead.read(
            organizationID: organizationID, monday: date.mondayOfWeek, .init(scope: scope, employeeID: employeeID, siteID: siteID, teamID: teamID),
            on: database)
    }

    public func staffing(organizationID: UUID, missionID: UUID) async throws -> MissionStaffing {
        let mission = try await MissionStore(database: database).get(organizationID: organizationID, id: missionID)
        let rows = try await database.withConnection { c in
            try await c.query(
                """
                SELECT e.id, e.name, count(*)::bigint,
                       sum(GREATEST(0, (extract(epoch FROM s.ends_at - s.starts_at) / 60)::bigint - s.break_minutes))::bigint,
                       e.hourly_cost_cents
                FROM shifts s JOIN employees e ON e.org_id = s.org_id AND e.id = s.employee_id
                WHERE s.org_id = \(organizationID) AND s.mission_id = \(missionID) AND s.status <> 'cancelled'
                GROUP BY e.id, e.name, e.hourly_cost_cents ORDER BY e.name, e.id
                """, logger: database.logger
            ).rows((UUID, String, Int, Int, Int).self)
        }
        let lines = rows.map { r in
            MissionStaffing.Line(employeeID: r.0, employeeName: r.1, shifts: r.2, plannedMinutes: r.3, costCents: r.3 * r.4 / 60)
        }
        let minutes = lines.reduce(0) { $0 + $1.plannedMinutes }
        let cost = lines.reduce(0) { $0 + $1.costCents }
        return MissionStaffing(
            mission: mission, lines: lines, plannedMinutes: minutes, costCents: cost,
            billableCents: minutes * mission.billingRateCents / 60, budgetCents: mission.budgetCents,
            remainingBudgetCents: mission.budgetCents - cost)
    }
}
