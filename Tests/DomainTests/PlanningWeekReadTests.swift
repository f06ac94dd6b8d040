import CrewplanTestSupport
import Domain
import Foundation
import PostgresNIO
import Testing

@Suite struct PlanningWeekReadTests {
    /// The week's shifts are chosen by its edges in the organisation's time zone, which the read only
    /// learns with the organisation: after the zone changes, a shift that only the new zone's week
    /// holds is shown, on the day it falls on there.
    @Test func aWeeksEdgesFollowTheOrganizationsZoneAfterItChanges() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db, timeZone: "Pacific/Kiritimati")
        let planning = PlanningService(database: db)
        // 10:30 to 12:30 UTC on 30 November: Sunday 29, 23:30 in Pago Pago (UTC-11), but Tuesday 1
        // December, 00:30 in Kiritimati (UTC+14), past the day after that zone's week.
        let start = try #require(ISO8601DateFormatter().date(from: "2026-11-30T10:30:00Z"))
        let draft = ShiftStore.Draft(
            employeeID: t.alice.id, missionID: t.mission.id, siteID: t.site.id, start: start, end: start.addingTimeInterval(2 * 3600))
        let shift = try await ShiftStore(database: db).create(organizationID: t.organization.id, draft).shift

        let before = try await planning.week(organizationID: t.organization.id, containing: LocalDate("2026-11-25")!, siteID: t.site.id)
        #expect(before.totalMinutes == 0)
        #expect(before.rows.allSatisfy { row in row.days.allSatisfy(\.shifts.isEmpty) })

        try await db.withConnection { c in
            _ = try await c.query("UPDATE organizations SET time_zone = 'Pacific/Pago_Pago' WHERE id = \(t.organization.id)", logger: db.logger)
        }
        let after = try await planning.week(organizationID: t.organization.id, containing: LocalDate("2026-11-25")!, siteID: t.site.id)
        #expect(after.timeZone == "Pacific/Pago_Pago")
        let alice = try #require(after.rows.first { $0.employee.id == t.alice.id })
        #expect(alice.days[6].date == LocalDate("2026-11-29")!)
        #expect(alice.days[6].shifts.map(\.id) == [shift.id])
        #expect(after.totalMinutes == 120)

        // And back: the shift leaves the week again.
        try await db.withConnection { c in
            _ = try await c.query("UPDATE organizations SET time_zone = 'Pacific/Kiritimati' WHERE id = \(t.organization.id)", logger: db.logger)
        }
        let again = try await planning.week(organizationID: t.organization.id, containing: LocalDate("2026-11-25")!, siteID: t.site.id)
        #expect(again.totalMinutes == 0)
    }

    /// The week's employees come in name order, then id, whatever order PostgreSQL returns the parts
    /// of its one statement in; the filters narrow them.
    @Test func aWeeksEmployeesAreInNameOrderAndFiltered() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let planning = PlanningService(database: db)
        let all = try await planning.week(organizationID: t.organization.id, containing: LocalDate("2026-11-25")!)
        let names = all.rows.map(\.employee.name)
        #expect(names.count >= 3)
        #expect(names == names.sorted())
        let team = try await planning.week(organizationID: t.organization.id, containing: LocalDate("2026-11-25")!, teamID: t.team.id)
        #expect(!team.rows.isEmpty)
        #expect(team.rows.allSatisfy { $0.employee.teamID == t.team.id })
        let one = try await planning.week(organizationID: t.organization.id, containing: LocalDate("2026-11-25")!, employeeID: t.bob.id)
        #expect(one.rows.map(\.employee.id) == [t.bob.id])
        await #expect(throws: DomainError.self) {
            _ = try await planning.week(organizationID: UUID(), containing: LocalDate("2026-11-25")!)
        }
    }

    /// The week's statement reads the missions of its employees' sites that meet its days; a shift on
    /// another site's mission, or on a mission whose dates no longer meet the week, has its mission read
    /// after the statement, so the rules still judge it, and the week's JSON is the assembled week's.
    @Test func aShiftsMissionElsewhereOrOutsideTheWeekIsStillJudged() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let planning = PlanningService(database: db)
        let missions = MissionStore(database: db)
        let shifts = ShiftStore(database: db)
        func mission(_ name: String, at site: Site) async throws -> Mission {
            try await missions.create(
                organizationID: t.organization.id,
                .init(client: "C", name: name, siteID: site.id, startDate: LocalDate("2026-01-01")!, endDate: LocalDate("2026-12-31")!,
                    budgetCents: 100, billingRateCents: 10))
        }
        let elsewhere = try await mission("Lyon job", at: t.otherSite)
        let ending = try await mission("Short job", at: t.site)
        func shift(_ employee: Employee, _ mission: Mission, _ site: Site, _ start: String) async throws -> Shift {
            let at = try #require(ISO8601DateFormatter().date(from: start))
            return try await shifts.create(
                organizationID: t.organization.id,
                .init(employeeID: employee.id, missionID: mission.id, siteID: site.id, start: at, end: at.addingTimeInterval(8 * 3600))).shift
        }
        let onElsewhere = try await shift(t.alice, elsewhere, t.otherSite, "2026-11-24T08:00:00Z")
        let onEnding = try await shift(t.bob, ending, t.site, "2026-11-25T08:00:00Z")
        let onOwn = try await shift(t.alice, t.mission, t.site, "2026-11-26T08:00:00Z")
        // Both missions change after their shifts were planned: neither meets the week any more.
        try await db.withConnection { c in
            _ = try await c.query(
                "UPDATE missions SET start_date = '2026-12-01' WHERE id = \(elsewhere.id)", logger: db.logger)
            _ = try await c.query(
                "UPDATE missions SET end_date = '2026-11-01' WHERE id = \(ending.id)", logger: db.logger)
        }

        let week = try await planning.week(organizationID: t.organization.id, containing: LocalDate("2026-11-25")!, teamID: t.team.id)
        let outside = Set(week.rows.flatMap(\.violations).filter { $0.rule == .missionDates }.flatMap(\.shiftIDs))
        #expect(outside == [onElsewhere.id, onEnding.id])
        let shown: [Shift] = week.rows.flatMap { row in row.days.flatMap(\.shifts) }
        #expect(Set(shown.map(\.id)) == [onElsewhere.id, onEnding.id, onOwn.id])
        let json = try await planning.weekJSON(organizationID: t.organization.id, containing: LocalDate("2026-11-25")!, teamID: t.team.id)
        #expect(json == week.jsonData())
    }

    /// A day lists its shifts by start, then id (as PostgreSQL orders uuids, by their bytes), whatever
    /// order the statement returns them in: two shifts starting together, the later id stored first.
    @Test func aDaysShiftsAreInOrderOfStartThenID() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let planning = PlanningService(database: db)
        let low = UUID(uuidString: "00000000-0000-4000-8000-\(String(UUID().uuidString.suffix(12)))")!
        let high = UUID(uuidString: "FFFFFFFF-0000-4000-8000-\(String(UUID().uuidString.suffix(12)))")!
        let early = UUID()
        try await db.withConnection { c in
            let rows = [(high, "2026-11-25T13:00:00Z"), (low, "2026-11-25T13:00:00Z"), (early, "2026-11-25T07:00:00Z")]
            for (id, start) in rows {
                _ = try await c.query(
                    """
                    INSERT INTO shifts (org_id, id, employee_id, mission_id, site_id, starts_at, ends_at)
                    VALUES (\(t.organization.id), \(id), \(t.alice.id), \(t.mission.id), \(t.site.id),
                            \(start)::timestamptz, \(start)::timestamptz + interval '2 hours')
                    """, logger: db.logger)
            }
        }
        let wednesday = LocalDate("2026-11-25")!
        let week = try await planning.week(organizationID: t.organization.id, containing: wednesday, teamID: t.team.id)
        let alice = try #require(week.rows.first { $0.employee.id == t.alice.id })
        #expect(alice.days[2].shifts.map(\.id) == [early, low, high])
        let json = try await planning.weekJSON(organizationID: t.organization.id, containing: wednesday, teamID: t.team.id)
        #expect(json == week.jsonData())
    }

    /// The week's statement runs on one plan made for any values (after five runs on a connection),
    /// costed for an average organisation among many small ones (or on no statistics at all, as in a
    /// new database): it must still probe by key, each
    /// employee's shifts and each mission, not scan an organisation's shifts by start or its missions
    /// by name (which a large organisation would pay for on every read).
    @Test func theWeeksPlanForAnyValuesProbesByKey() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let monday = LocalDate("2026-11-23")!
        let zone = t.organization.zone
        for (filters, value) in [
            (WeekRead.Filters(scope: .organization, employeeID: nil, siteID: t.site.id, teamID: nil), t.site.id),
            (WeekRead.Filters(scope: .organization, employeeID: nil, siteID: nil, teamID: t.team.id), t.team.id),
        ] {
            let read = WeekRead.statement(
                organizationID: t.organization.id, monday: monday, from: monday.adding(days: -1).startInstant(in: zone),
                to: monday.adding(days: 8).startInstant(in: zone), filters)
            let plan = try await db.withConnection { c in
                let name = "week_plan_probe"
                _ = try await c.query("SET plan_cache_mode = force_generic_plan", logger: db.logger)
                // The test database's tables are small enough to be read whole; a real organisation's
                // are not. Without that way out, the plan shows which index each lookup leads to.
                _ = try await c.query("SET enable_seqscan = off", logger: db.logger)
                _ = try await c.query(PostgresQuery(unsafeSQL: "PREPARE \(name) AS \(read.sql)"), logger: db.logger)
                // The values as literals of the parameters' types: the plan is the one made without them.
                let values = [
                    "'\(t.organization.id)'", "'\(value)'", "'2026-11-21T23:00:00Z'", "'2026-11-30T23:00:00Z'", "'2026-11-22'", "'2026-11-30'",
                ]
                let rows = try await c.query(PostgresQuery(unsafeSQL: "EXPLAIN EXECUTE \(name)(\(values.joined(separator: ", ")))"), logger: db.logger)
                var lines: [String] = []
                for try await line in rows.decode(String.self) { lines.append(line) }
                _ = try await c.query(PostgresQuery(unsafeSQL: "DEALLOCATE \(name)"), logger: db.logger)
                _ = try await c.query("RESET plan_cache_mode", logger: db.logger)
                _ = try await c.query("RESET enable_seqscan", logger: db.logger)
                return lines.joined(separator: "\n")
            }
            #expect(plan.contains("shifts_employee_start"), "\(plan)")
            #expect(plan.contains("missions_site_end"), "\(plan)")
            #expect(!plan.contains("shifts_org_start"), "\(plan)")
            #expect(!plan.contains("missions_org_name"), "\(plan)")
            #expect(!plan.contains("Seq Scan on shifts") && !plan.contains("Seq Scan on missions"), "\(plan)")
        }
    }
}
