import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// What an uncached planning week reads: the organisation, the employees shown, their shifts from
/// one day before the week to one day after it (so daily rest across the week's edges is judged),
/// and the missions those shifts belong to, in one statement.
///
/// Read as four statements, each waiting for the one before (the shifts need the employees' ids,
/// the missions need the shifts), a week cost four round trips to PostgreSQL, and between them the
/// server's own turn: waking its event loop, making the rows, sending the next statement. Captured
/// on the wire (tcpdump, one connection, the load dataset's 48-person week) those gaps added up to
/// 0.6 ms of the 1.9 ms from the first statement sent to the last row received. One statement
/// sends each part as a row value tagged with its kind, and the server makes the rows while
/// PostgreSQL is still producing them. PostgreSQL spends longer on the one statement than on the
/// four (its common parts are materialised, the employees numbered), so the week gained less than
/// the gaps: 4.09 -> 3.95 ms at the median of sixteen alternating one-connection runs. Planned once
/// for any values instead of on every run (see ``statement(organizationID:monday:from:to:_:)``), 3.84 ->
/// 2.97 ms.
package struct WeekRead {
    /// The Monday the week starts on.
    var monday: LocalDate
    var organization: Organization
    /// In the order the week shows them: by name, then id.
    var employees: [Employee]
    /// Each employee's shifts of the days read, in order of start (``Shift/startsBefore(_:_:)``), by employee id.
    var shifts: [UUID: [Shift]]
    var missions: [Mission]

    /// The filters that narrow the week's employees; each absent one is left out of the statement
    /// (one statement per combination): a condition such as `($1::uuid IS NULL OR team_id = $1)`
    /// would keep the plan made for any values from the filter's index, and cost about 90 us more
    /// planning when planned for each run's values.
    package struct Filters {
        var own: UUID?
        var employeeID: UUID?
        var siteID: UUID?
        var teamID: UUID?

        /// The filters asked for, and an employee's own scope: only their own row (no row at all for
        /// an account linked to no employee).
        package init(scope: AccessScope, employeeID: UUID?, siteID: UUID?, teamID: UUID?) {
            self.own = if case .employee(let e) = scope { e ?? UUID() } else { nil }
            self.employeeID = employeeID
            self.siteID = siteID
            self.teamID = teamID
        }
    }

    /// The missions by id, as the rules look them up.
    var missionsByID: [UUID: Mission] { Dictionary(uniqueKeysWithValues: missions.map { ($0.id, $0) }) }

    /// The week these rows make.
    var week: PlanningWeek {
        PlanningWeek.assemble(weekStart: monday, organization: organization, employees: employees, shifts: shifts, missions: missionsByID)
    }

    /// The JSON of ``week``, its rows made in two halves at once (``PlanningWeek/json(weekStart:organization:employees:shifts:missions:)``).
    func json() async -> Data {
        await PlanningWeek.json(weekStart: monday, organization: organization, employees: employees, shifts: shifts, missions: missionsByID)
    }

    /// One row of the statement: a part of the week.
    private enum Part: Sendable {
        case organization(Organization)
        /// An employee with their shifts of the days read.
        case employee(Employee, order: Int, shifts: [Shift])
        case mission(Mission)
    }

    /// The time zone each organisation had when this process last read one of its weeks.
    private static let zones = NIOLockedValueBox<[UUID: String]>([:])
    /// How many organisations' zones are kept (one entry each).
    static let zonesKept = 4096

    /// Reads the week starting `monday`. Throws not found when the organisation does not exist.
    ///
    /// The shifts are chosen by instants, the week's edges in the organisation's time zone, and the
    /// zone arrives with the organisation in the same statement: the read takes the edges in the zone
    /// this process last saw for the organisation, and is run again, once, when the organisation's
    /// zone turns out to be another (its first week read here, or after its zone changed).
    static func read(organizationID: UUID, monday: LocalDate, _ filters: Filters, on database: Database) async throws -> WeekRead {
        let seen = zones.withLockedValue { $0[organizationID] } ?? "UTC"
        let read = try await run(organizationID: organizationID, monday: monday, zone: seen, filters, on: database)
        let zone = read.organization.timeZone
        guard zone != seen else { return read }
        zones.withLockedValue { zones in
            if zones.count >= zonesKept { zones.removeAll(keepingCapacity: true) }
            zones[organizationID] = zone
        }
        return try await run(organizationID: organizationID, monday: monday, zone: zone, filters, on: database)
    }

    /// Reads the week starting `monday`, its edges taken in `zone`.
    static func run(organizationID: UUID, monday: LocalDate, zone: String, _ filters: Filters, on database: Database) async throws -> WeekRead {
        let timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
        let read = statement(
            organizationID: organizationID, monday: monday, from: monday.adding(days: -1).startInstant(in: timeZone),
            to: monday.adding(days: 8).startInstant(in: timeZone), filters)
        let (logger, statements) = (database.logger, database.statements)
        let parts = try await database.withConnection { c in
            try await c.eventLoop.perform { statements.gatheredOnLoop(read, on: c, logger: logger, makePart) }
        }
        var organization: Organization?
        var employees: [(employee: Employee, order: Int)] = []
        var shifts: [UUID: [Shift]] = [:]
        var missions: [Mission] = []
        shifts.reserveCapacity(parts.count)
        for part in parts {
            switch part {
            case .organization(let value): organization = value
            case .employee(let value, let order, let own):
                employees.append((value, order))
                shifts[value.id] = own
            case .mission(let value): missions.append(value)
            }
        }
        guard let organization else { throw DomainError.notFound("organization") }
        // The order PostgreSQL numbered them in, by name and id in the database's collation; the rows
        // of a UNION ALL carry no order of their own.
        employees.sort { $0.order < $1.order }
        // The statement reads the missions of the employees' sites that meet the week's days; a shift
        // on another mission (another site's, or one outside those days) has it read here.
        var known = Set(missions.map(\.id))
        var missing: [UUID] = []
        for own in shifts.values {
            for shift in own where known.insert(shift.missionID).inserted { missing.append(shift.missionID) }
        }
        if !missing.isEmpty {
            missions += try await database.withConnection { c in
                try await c.gathered(
                    "SELECT \(unescaped: MissionStore.columns) FROM missions WHERE org_id = \(organizationID) AND id = ANY(\(missing))",
                    logger: logger, MissionStore.make)
            }
        }
        return WeekRead(monday: monday, organization: organization, employees: employees.map(\.employee), shifts: shifts, missions: missions)
    }

    private static func makePart(_ r: inout RowReader) throws -> Part {
        switch try r.next(Int.self) {
        case 0: return .organization(try r.record { try OrganizationStore.make(&$0) })
        case 1:
            let (employee, order) = try r.record { fields in
                (try EmployeeStore.make(&fields), try fields.next(Int.self))
            }
            // In order of start, as the week's rows take them; sorted here, where the array is the
            // reader's alone (sorting it later copied it first).
            // Each shift is the employee's: its employee's id is not sent again with it.
            var shifts = try r.records { try ShiftStore.make(&$0, employeeID: employee.id) }
            shifts.sort(by: Shift.startsBefore)
            return .employee(employee, order: order, shifts: shifts)
        // The mission's organisation follows its columns (the statement checks it); it is not read.
        case 3: return .mission(try r.record { try MissionStore.make(&$0) })
        case let kind: throw DomainError(.unavailable, "the planning week's read returned a row of unknown kind \(kind)")
        }
    }

    /// The shifts' columns as the subquery `x` of ``statement(organizationID:monday:from:to:_:)`` names them.
    private static let shiftColumns = ShiftStore.employeeColumns.split(separator: ", ").map { "x.\($0)" }
        .joined(separator: ", ")

    /// The statement: each part a row value after its kind (0 organisation, 1 employee with its
    /// place in the week's order and, in a third column, their shifts as an array of row values,
    /// 3 mission). The shifts and missions follow from the employees inside PostgreSQL, so nothing
    /// waits for the server between them: the missions are those of the employees' sites whose dates
    /// meet the days read (`monday` - 1 to `monday` + 7), which are the shifts' missions unless a
    /// shift is on another site's mission or outside its mission's dates
    /// (``run(organizationID:monday:zone:_:on:)`` reads those after).
    ///
    /// Each employee's shifts come in one array, not a row each: postgres-nio's handling of a row
    /// (its message decoded, the connection's state machine copied, the row and its cells handed
    /// over) cost the server about 1.3 us a row, 0.4 ms of CPU for the load dataset's 48-person week
    /// in 319 rows, which now arrives in 52. PostgreSQL's time for the statement stayed the same
    /// (libpq, 4,000 runs of each alternating: p50 0.80 ms with `ARRAY(...)`, 0.84 ms with a row per
    /// shift; `array_agg` 0.85 ms). The shifts' columns as plain columns, not row values, made
    /// PostgreSQL 15 % faster but the server slower still: postgres-nio makes a cell of each column.
    package static func statement(organizationID: UUID, monday: LocalDate, from: Date, to: Date, _ filters: Filters) -> PreparedRead {
        let narrowing = [
            ("id", filters.own), ("id", filters.employeeID), ("site_id", filters.siteID), ("team_id", filters.teamID),
        ].compactMap { column, value in value.map { (column: column, value: $0) } }
        var read = PreparedRead(sql: "")
        let org = read.bind(organizationID)
        let filtered = narrowing.map { read.bind($0.value) }
        let (lower, upper) = (read.bind(from), read.bind(to))
        let (firstDay, lastDay) = (read.bind(monday.adding(days: -1).description), read.bind(monday.adding(days: 7).description))
        // The text depends only on which filters are given (the placeholders are numbered in the order
        // the values are bound above, whatever they are): made once for each combination, it spares
        // each uncached week about 40 us of string building before the statement can leave.
        let shape = narrowing.map(\.column)
        if let sql = texts.withLockedValue({ $0[shape] }) {
            read.sql = sql
            return read
        }
        var employees = "SELECT \(EmployeeStore.columns), row_number() OVER (ORDER BY name, id) FROM employees WHERE org_id = \(org) AND active"
        for (column, placeholder) in zip(shape, filtered) { employees += " AND \(column) = \(placeholder)" }
        // Each employee's shifts, and each site's missions, are looked up by key in a subquery
        // that PostgreSQL may not flatten (OFFSET 0) and whose conditions lead only to the index
        // wanted: the statement runs on a plan made once for any values (``PreparedStatements``),
        // costed for an average organisation, and so written that plan can only probe
        // shifts_employee_start per employee and missions_site_end per site, whatever the
        // organisation. With the organisation among the conditions, the plan could as well scan the
        // organisation's shifts by start, or all its missions by name, for each one wanted. Employee
        // and site ids are unique across organisations; the rows' organisation is checked outside.
        // The missions are not found from the shifts (their distinct ids): that made PostgreSQL keep
        // the shifts to read them twice, about a third of the statement's execution.
        read.sql = """
            WITH o AS (SELECT \(OrganizationStore.columns) FROM organizations WHERE id = \(org)),
            e AS (\(employees))
            SELECT 0, ROW(o.*), NULL FROM o
            UNION ALL SELECT 1, ROW(e.*), ARRAY(
              SELECT ROW(\(shiftColumns)) FROM (
                SELECT \(ShiftStore.employeeColumns), org_id FROM shifts WHERE employee_id = e.id AND starts_at >= \(lower) AND starts_at < \(upper) OFFSET 0
              ) AS x
              WHERE x.org_id = \(org)
            ) FROM e
            UNION ALL SELECT 3, ROW(m.*), NULL FROM (SELECT DISTINCT site_id FROM e WHERE site_id IS NOT NULL) AS u
              CROSS JOIN LATERAL (
                SELECT \(MissionStore.columns), org_id FROM missions
                WHERE site_id = u.site_id AND end_date >= \(firstDay)::date AND start_date <= \(lastDay)::date OFFSET 0
              ) AS m
              WHERE m.org_id = \(org)
            """
        texts.withLockedValue { $0[shape] = read.sql }
        return read
    }

    /// The statement's text for each combination of filters given (the columns they narrow, in order).
    private static let texts = NIOLockedValueBox<[[String]: String]>([:])
}
