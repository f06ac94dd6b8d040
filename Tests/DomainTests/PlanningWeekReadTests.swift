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
}
