import Domain
import Foundation
import Security

/// A fresh organisation per test (tests share one database and run in parallel; tenants isolate them):
/// two sites, a team on each, three employees, a mission, and an admin, a manager (first site) and an
/// employee login.
public struct TenantFixture: Sendable {
    public var organization: Organization
    public var site: Site
    public var otherSite: Site
    public var team: Team
    public var otherTeam: Team
    public var alice: Employee
    public var bob: Employee
    public var carol: Employee
    public var mission: Mission
    public var password: String
    public var adminEmail: String
    public var managerEmail: String
    public var employeeEmail: String

    public static let password = "correct horse battery staple"
    /// The bcrypt hash of `password`, made once per test process by the product's hasher.
    private static let bcryptHash = Task { try await PasswordHasher().hash(password) }

    public static func make(_ database: Database, timeZone: String = "Europe/Paris", rules: PlanningRules = .default) async throws -> TenantFixture {
        let tag = UUID().uuidString.prefix(8).lowercased()
        let org = try await OrganizationStore(database: database).create(.init(slug: "t-\(tag)", name: "Test \(tag)", timeZone: timeZone, locale: "en", rules: rules))
        let sites = SiteStore(database: database)
        let site = try await sites.createSite(organizationID: org.id, .init(name: "Paris", address: "1 rue A"))
        let otherSite = try await sites.createSite(organizationID: org.id, .init(name: "Lyon"))
        let team = try await sites.createTeam(organizationID: org.id, .init(name: "Accueil", siteID: site.id))
        let otherTeam = try await sites.createTeam(organizationID: org.id, .init(name: "Quai", siteID: otherSite.id))
        let employees = EmployeeStore(database: database)
        func employee(_ name: String, _ team: Team, _ site: Site, contract: Int = 35 * 60) async throws -> Employee {
            try await employees.create(
                organizationID: org.id,
                .init(name: name, email: "\(name.lowercased())@\(tag).test", teamID: team.id, siteID: site.id, weeklyContractMinutes: contract, hourlyCostCents: 2000))
        }
        let alice = try await employee("Alice", team, site)
        let bob = try await employee("Bob", team, site)
        let carol = try await employee("Carol", otherTeam, otherSite)
        let mission = try await MissionStore(database: database).create(
            organizationID: org.id,
            .init(client: "Client", name: "Mission \(tag)", siteID: site.id, startDate: LocalDate("2026-01-01")!, endDate: LocalDate("2026-12-31")!, budgetCents: 1_000_000, billingRateCents: 5000))
        let password = Self.password
        // Every fixture login has the same password: one real hash (bcrypt, cost 12, a third of a second
        // of CPU) serves every tenant's accounts, as hashes moved from another system would, instead of
        // 170 hashes taking half of the suite's CPU. Sign-ins still verify it at full cost.
        let credential = UserAdmin.NewUser.Credential.bcryptHash(try await Self.bcryptHash.value)
        let admin = UserAdmin(database: database, logger: TestEnvironment.logger)
        let adminEmail = "admin@\(tag).test", managerEmail = "manager@\(tag).test", employeeEmail = "alice.login@\(tag).test"
        _ = try await admin.create(organizationID: org.id, .init(email: adminEmail, credential: credential, role: .admin))
        _ = try await admin.create(organizationID: org.id, .init(email: managerEmail, credential: credential, role: .manager, siteIDs: [site.id]))
        _ = try await admin.create(organizationID: org.id, .init(email: employeeEmail, credential: credential, role: .employee, employeeID: alice.id))
        return TenantFixture(
            organization: org, site: site, otherSite: otherSite, team: team, otherTeam: otherTeam, alice: alice, bob: bob, carol: carol, mission: mission,
            password: password, adminEmail: adminEmail, managerEmail: managerEmail, employeeEmail: employeeEmail)
    }

    /// An instant in the organisation's time zone.
    public func at(_ date: String, _ hour: Int, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = organization.zone
        let d = LocalDate(date)!
        return calendar.date(from: DateComponents(year: d.year, month: d.month, day: d.day, hour: hour, minute: minute))!
    }

    public func shift(_ employee: Employee, _ date: String, _ from: Int, _ to: Int, breakMinutes: Int = 0, site: Site? = nil) -> ShiftStore.Draft {
        let start = at(date, from)
        let end = to > from ? at(date, to) : at(LocalDate(date)!.adding(days: 1).description, to)
        return ShiftStore.Draft(employeeID: employee.id, missionID: mission.id, siteID: (site ?? self.site).id, start: start, end: end, breakMinutes: breakMinutes)
    }
}
