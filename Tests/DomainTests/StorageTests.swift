import CrewplanTestSupport
import Domain
import Foundation
import Testing

/// Stores against a real PostgreSQL: validation, pagination, rule-checked writes, isolation.
@Suite struct StorageTests {
    @Test func paginationWalksEveryRowOnceInNameOrder() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let store = EmployeeStore(database: db)
        for i in 0..<7 {
            _ = try await store.create(organizationID: t.organization.id, .init(name: "Zed \(i)", email: "zed\(i)@x.test", teamID: nil, siteID: nil, weeklyContractMinutes: 600, hourlyCostCents: 1000))
        }
        var names: [String] = []
        var cursor: String? = nil
        var pages = 0
        repeat {
            let page = try await store.list(organizationID: t.organization.id, page: PageRequest(limit: 3, cursor: cursor))
            names += page.items.map(\.name)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil
        #expect(names.count == 10)
        #expect(names == names.sorted())
        #expect(Set(names).count == 10)
        #expect(pages == 4)
    }

    @Test func filtersNarrowTheList() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let store = EmployeeStore(database: db)
        let onSite = try await store.list(organizationID: t.organization.id, filter: .init(siteID: t.otherSite.id), page: PageRequest())
        #expect(onSite.items.map(\.name) == ["Carol"])
        let search = try await store.list(organizationID: t.organization.id, filter: .init(query: "li"), page: PageRequest())
        #expect(search.items.map(\.name) == ["Alice"])
        let own = try await store.list(organizationID: t.organization.id, scope: .employee(t.bob.id), page: PageRequest())
        #expect(own.items.map(\.id) == [t.bob.id])
    }

    @Test func badInputIsRefusedAndNothingIsStored() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let store = EmployeeStore(database: db)
        await #expect(throws: DomainError.self) {
            try await store.create(organizationID: t.organization.id, .init(name: " ", email: "x@y.test", teamID: nil, siteID: nil, weeklyContractMinutes: 60, hourlyCostCents: 1))
        }
        await #expect(throws: DomainError.self) {
            try await store.create(organizationID: t.organization.id, .init(name: "X", email: "not-an-email", teamID: nil, siteID: nil, weeklyContractMinutes: 60, hourlyCostCents: 1))
        }
        await #expect(throws: DomainError.self) {
            try await store.create(organizationID: t.organization.id, .init(name: "X", email: "x@y.test", teamID: nil, siteID: nil, weeklyContractMinutes: -5, hourlyCostCents: 1))
        }
        #expect(throws: DomainError.self) { try PageRequest(limit: 10, cursor: "garbage!!") }
        #expect(throws: DomainError.self) { try PageRequest(limit: 0) }
        #expect(try await store.list(organizationID: t.organization.id, page: PageRequest()).items.count == 3)
    }

    @Test func duplicateEmailIsAConflict() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        do {
            _ = try await EmployeeStore(database: db).create(organizationID: t.organization.id, .init(name: "A2", email: t.alice.email.uppercased(), teamID: nil, siteID: nil, weeklyContractMinutes: 60, hourlyCostCents: 1))
            Issue.record("a duplicate email was stored")
        } catch let error as DomainError {
            #expect(error.code == .conflict)
        }
    }

    @Test func aBlockingViolationStoresNothing() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let shifts = ShiftStore(database: db)
        let first = try await shifts.create(organizationID: t.organization.id, t.shift(t.alice, "2026-11-23", 8, 16, breakMinutes: 60))
        #expect(first.warnings.isEmpty)
        do {
            _ = try await shifts.create(organizationID: t.organization.id, t.shift(t.alice, "2026-11-23", 15, 18))
            Issue.record("an overlapping shift was stored")
        } catch let error as DomainError {
            #expect(error.code == .ruleViolation)
            #expect(error.violations.contains { $0.rule == .overlap && $0.shiftIDs.contains(first.shift.id) })
        }
        let stored = try await shifts.list(organizationID: t.organization.id, filter: .init(employeeID: t.alice.id), page: PageRequest())
        #expect(stored.items.map(\.id) == [first.shift.id])
    }

    @Test func warningsAreReturnedAndTheShiftIsStored() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let shifts = ShiftStore(database: db)
        for day in ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"] {
            _ = try await shifts.create(organizationID: t.organization.id, t.shift(t.alice, day, 8, 17, breakMinutes: 60))
        }
        let fifth = try await shifts.create(organizationID: t.organization.id, t.shift(t.alice, "2026-11-27", 8, 17, breakMinutes: 60))
        #expect(Set(fifth.warnings.map(\.rule)) == [.contractHours, .overtime])
        #expect(try await shifts.get(organizationID: t.organization.id, id: fifth.shift.id) == fifth.shift)
    }

    /// Two writers race for the same employee and hour: the row lock lets exactly one through.
    @Test func concurrentOverlappingWritesLetExactlyOneThrough() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let shifts = ShiftStore(database: db)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for hour in [8, 9, 10, 11] {
                group.addTask {
                    (try? await shifts.create(organizationID: t.organization.id, t.shift(t.bob, "2026-11-24", hour, hour + 4))) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try await shifts.list(organizationID: t.organization.id, filter: .init(employeeID: t.bob.id), page: PageRequest()).items.count == 1)
    }

    @Test func anotherOrganisationsRowsAreInvisible() async throws {
        let db = try await TestEnvironment.database()
        let a = try await TenantFixture.make(db)
        let b = try await TenantFixture.make(db)
        await #expect(throws: DomainError.self) { try await EmployeeStore(database: db).get(organizationID: a.organization.id, id: b.alice.id) }
        await #expect(throws: DomainError.self) { try await MissionStore(database: db).get(organizationID: a.organization.id, id: b.mission.id) }
        await #expect(throws: DomainError.self) { try await SiteStore(database: db).deleteSite(organizationID: a.organization.id, id: b.site.id) }
        // A shift in A naming B's employee is refused, and B's site still exists.
        await #expect(throws: DomainError.self) { try await ShiftStore(database: db).create(organizationID: a.organization.id, b.shift(b.alice, "2026-11-23", 8, 12)) }
        #expect(try await SiteStore(database: db).site(organizationID: b.organization.id, id: b.site.id) == b.site)
    }

    @Test func managerScopeLimitsShiftWrites() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let scope = AccessScope.units(sites: [t.site.id], teams: [])
        _ = try await ShiftStore(database: db).create(organizationID: t.organization.id, t.shift(t.alice, "2026-11-23", 8, 12), scope: scope)
        do {
            _ = try await ShiftStore(database: db).create(organizationID: t.organization.id, t.shift(t.carol, "2026-11-23", 8, 12, site: t.otherSite), scope: scope)
            Issue.record("a manager planned outside their site")
        } catch let error as DomainError {
            #expect(error.code == .forbidden)
        }
    }

    @Test func planningWeekAndStaffingAddUp() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        let shifts = ShiftStore(database: db)
        _ = try await shifts.create(organizationID: t.organization.id, t.shift(t.alice, "2026-11-23", 8, 16, breakMinutes: 60))
        _ = try await shifts.create(organizationID: t.organization.id, t.shift(t.alice, "2026-11-24", 8, 12))
        _ = try await shifts.create(organizationID: t.organization.id, t.shift(t.bob, "2026-11-24", 9, 13))
        // The previous Sunday's late shift makes Monday's rest too short: visible in the week.
        _ = try? await shifts.create(organizationID: t.organization.id, t.shift(t.bob, "2026-11-22", 16, 23))
        let week = try await PlanningService(database: db).week(organizationID: t.organization.id, containing: LocalDate("2026-11-26")!, siteID: t.site.id)
        #expect(week.weekStart == LocalDate("2026-11-23"))
        #expect(week.rows.map(\.employee.name) == ["Alice", "Bob"])
        #expect(week.rows[0].weekMinutes == 11 * 60)
        #expect(week.rows[0].days[0].workedMinutes == 7 * 60)
        #expect(week.rows[0].deltaMinutes == 11 * 60 - 35 * 60)
        #expect(week.dayTotals[1] == 8 * 60)
        #expect(week.totalMinutes == 15 * 60)
        let staffing = try await PlanningService(database: db).staffing(organizationID: t.organization.id, missionID: t.mission.id)
        #expect(staffing.plannedMinutes == 15 * 60 + 7 * 60)
        #expect(staffing.costCents == (15 * 60 + 7 * 60) * 2000 / 60)
        #expect(staffing.remainingBudgetCents == 1_000_000 - staffing.costCents)
        let employeeWeek = try await PlanningService(database: db).week(organizationID: t.organization.id, containing: LocalDate("2026-11-23")!, scope: .employee(t.alice.id))
        #expect(employeeWeek.rows.map(\.employee.id) == [t.alice.id])
    }

    @Test func planningWeekFiltersCombineAndNewRulesShowAtOnce() async throws {
        let db = try await TestEnvironment.database()
        let t = try await TenantFixture.make(db)
        _ = try await ShiftStore(database: db).create(organizationID: t.organization.id, t.shift(t.alice, "2026-11-24", 8, 12))
        let planning = PlanningService(database: db)
        let monday = LocalDate("2026-11-23")!
        func names(siteID: UUID? = nil, teamID: UUID? = nil, employeeID: UUID? = nil, scope: AccessScope = .organization) async throws -> [String] {
            try await planning.week(organizationID: t.organization.id, containing: monday, siteID: siteID, teamID: teamID, employeeID: employeeID, scope: scope)
                .rows.map(\.employee.name)
        }
        #expect(try await names() == ["Alice", "Bob", "Carol"])
        #expect(try await names(teamID: t.otherTeam.id) == ["Carol"])
        #expect(try await names(employeeID: t.bob.id) == ["Bob"])
        #expect(try await names(siteID: t.site.id, teamID: t.team.id) == ["Alice", "Bob"])
        // Every filter given must hold: a team of another site, or another employee than one's own, shows nobody.
        #expect(try await names(siteID: t.site.id, teamID: t.otherTeam.id) == [])
        #expect(try await names(employeeID: t.bob.id, scope: .employee(t.alice.id)) == [])
        #expect(try await names(scope: .employee(t.alice.id)) == ["Alice"])
        await #expect(throws: DomainError.self) { try await planning.week(organizationID: UUID(), containing: monday) }

        // Rules are decoded once per distinct text: changed rules are a new text, seen by the next read.
        func dailyMaxViolations() async throws -> Int {
            try await planning.week(organizationID: t.organization.id, containing: monday, employeeID: t.alice.id)
                .rows[0].violations.filter { $0.rule == .dailyMax }.count
        }
        #expect(try await dailyMaxViolations() == 0)
        let organizations = OrganizationStore(database: db)
        var strict = t.organization.rules
        strict.maxDailyMinutes = 3 * 60
        _ = try await organizations.updateRules(organizationID: t.organization.id, rules: strict)
        #expect(try await dailyMaxViolations() == 1)
        #expect(try await organizations.get(id: t.organization.id).rules.maxDailyMinutes == 3 * 60)
        _ = try await organizations.updateRules(organizationID: t.organization.id, rules: t.organization.rules)
        #expect(try await dailyMaxViolations() == 0)
    }
}
