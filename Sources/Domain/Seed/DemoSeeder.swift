import Foundation
import Logging
import PostgresNIO

/// Deterministic, realistic demo data for one organisation: sites, teams, employees, missions and
/// rule-respecting shifts (weekdays, varied hours, 11 h rest and 10 h days kept). The same seed gives
/// the same names, hours and amounts; ids are random.
public struct DemoSeeder: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    public struct Options: Sendable {
        public var slug: String
        public var employees: Int
        public var weeks: Int
        public var seed: UInt64
        public var firstWeek: LocalDate
        /// Replace the organisation's planning data if it already has some.
        public var replace: Bool
        /// About how many people a team holds (more teams per site as the organisation grows).
        public var teamSize: Int = 50

        public init(slug: String = "demo", employees: Int = 40, weeks: Int = 4, seed: UInt64 = 42, firstWeek: LocalDate, replace: Bool = false) {
            self.slug = slug
            self.employees = employees
            self.weeks = weeks
            self.seed = seed
            self.firstWeek = firstWeek
            self.replace = replace
        }
    }

    public struct Result: Sendable, Codable {
        public var organization: Organization
        public var sites: [Site]
        public var teams: [Team]
        public var employees: Int
        public var missions: Int
        public var shifts: Int
    }

    public func seed(_ options: Options, progress: @Sendable (String) -> Void = { _ in }) async throws -> Result {
        guard (1...20_000).contains(options.employees) else { throw DomainError.invalid("employees", "employees must be between 1 and 20000") }
        guard (1...104).contains(options.weeks) else { throw DomainError.invalid("weeks", "weeks must be between 1 and 104") }
        let orgs = OrganizationStore(database: database)
        let org: Organization
        if let existing = try await orgs.find(slug: options.slug) {
            let count = try await database.withConnection { c in
                try await c.query("SELECT count(*)::bigint FROM employees WHERE org_id = \(existing.id)", logger: database.logger)
                    .decode(Int.self).collect().first ?? 0
            }
            if count > 0 && !options.replace {
                throw DomainError(.conflict, "organization '\(options.slug)' already has \(count) employees; pass --replace to reseed it", field: "org")
            }
            try await database.withTransaction { tx in
                for table in ["shifts", "missions", "users", "employees", "teams", "sites"] {
                    try await tx.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE org_id = $1", binds: { var b = PostgresBindings(); b.append(existing.id); return b }()), logger: database.logger)
                }
            }
            await database.didChange(organizationID: existing.id)
            org = existing
        } else {
            org = try await orgs.create(.init(slug: options.slug, name: "Demo \(options.slug)", timeZone: "Europe/Paris", locale: "fr"))
        }
        var rng = SplitMix64(seed: options.seed)
        let siteStore = SiteStore(database: database)
        var sites: [Site] = []
        var teams: [Team] = []
        for (city, street) in Self.cities {
            let site = try await siteStore.createSite(organizationID: org.id, .init(name: city, address: street))
            sites.append(site)
            // Teams of about `teamSize` people, as large organisations have (at least two per site).
            let perSite = max(2, (options.employees + options.teamSize * Self.cities.count - 1) / (options.teamSize * Self.cities.count))
            for index in 0..<perSite {
                let base = Self.teamNames[index % Self.teamNames.count]
                let name = index < Self.teamNames.count ? "\(base) \(city)" : "\(base) \(index / Self.teamNames.count + 1) \(city)"
                teams.append(try await siteStore.createTeam(organizationID: org.id, .init(name: name, siteID: site.id)))
            }
        }
        progress("sites and teams")

        // Employees, inserted in one statement.
        var employees: [Employee] = []
        for i in 0..<options.employees {
            let first = Self.firstNames[Int(rng.next() % UInt64(Self.firstNames.count))]
            let last = Self.lastNames[Int(rng.next() % UInt64(Self.lastNames.count))]
            let team = teams[i % teams.count]
            let contract = [35, 35, 35, 39, 24, 28][Int(rng.next() % 6)] * 60
            employees.append(
                Employee(
                    id: UUID(), name: "\(first) \(last)", email: "\(Self.ascii(first)).\(Self.ascii(last)).\(i)@\(options.slug).example.com",
                    teamID: team.id, siteID: team.siteID, weeklyContractMinutes: contract,
                    hourlyCostCents: 1400 + Int(rng.next() % 1600), active: true))
        }
        try await database.withConnection { c in
            for chunk in employees.chunked(1000) {
                try await c.query(
                    """
                    INSERT INTO employees (org_id, id, name, email, team_id, site_id, weekly_contract_minutes, hourly_cost_cents, active)
                    SELECT \(org.id), * FROM unnest(\(chunk.map(\.id)), \(chunk.map(\.name)), \(chunk.map(\.email)),
                        \(chunk.map { $0.teamID! }), \(chunk.map { $0.siteID! }), \(chunk.map(\.weeklyContractMinutes)),
                        \(chunk.map(\.hourlyCostCents)), \(chunk.map(\.active)))
                    """, logger: database.logger)
            }
        }
        progress("\(employees.count) employees")

        // Missions: a few per site, covering the seeded weeks.
        let missionStore = MissionStore(database: database)
        var missionsBySite: [UUID: [Mission]] = [:]
        let lastDay = options.firstWeek.adding(days: options.weeks * 7 + 30)
        for (index, site) in sites.enumerated() {
            for k in 0..<3 {
                let client = Self.clients[(index * 3 + k) % Self.clients.count]
                let mission = try await missionStore.create(
                    organizationID: org.id,
                    .init(
                        client: client, name: "\(client) - \(site.name) \(k + 1)", siteID: site.id,
                        startDate: options.firstWeek.adding(days: -30), endDate: lastDay,
                        budgetCents: (50_000 + Int(rng.next() % 150_000)) * 100, billingRateCents: 3500 + Int(rng.next() % 4000)))
                missionsBySite[site.id, default: []].append(mission)
            }
        }
        progress("missions")

        // Shifts: each employee works weekdays, the number of days and the hours following the contract.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = org.zone
        var shifts: [Shift] = []
        var inserted = 0
        func flush() async throws {
            guard !shifts.isEmpty else { return }
            let batch = shifts
            shifts.removeAll(keepingCapacity: true)
            try await database.withConnection { c in
                try await c.query(
                    """
                    INSERT INTO shifts (org_id, id, employee_id, mission_id, site_id, starts_at, ends_at, break_minutes, status, note)
                    SELECT \(org.id), *, 'planned', '' FROM unnest(\(batch.map(\.id)), \(batch.map(\.employeeID)), \(batch.map(\.missionID)),
                        \(batch.map(\.siteID)), \(batch.map(\.start)), \(batch.map(\.end)), \(batch.map(\.breakMinutes)))
                    """, logger: database.logger)
            }
            inserted += batch.count
        }
        for week in 0..<options.weeks {
            let monday = options.firstWeek.mondayOfWeek.adding(days: week * 7)
            for employee in employees {
                let missions = missionsBySite[employee.siteID!]!
                let days = employee.weeklyContractMinutes >= 35 * 60 ? 5 : 4
                let dailyWork = employee.weeklyContractMinutes / days
                let breakMinutes = dailyWork > 6 * 60 ? 60 : 0
                let startHour = [7, 8, 9][Int(rng.next() % 3)]
                let mission = missions[Int(rng.next() % UInt64(missions.count))]
                for day in 0..<days {
                    let date = monday.adding(days: day)
                    let start = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: startHour))!
                    let end = start.addingTimeInterval(TimeInterval((dailyWork + breakMinutes) * 60))
                    shifts.append(Shift(id: UUID(), employeeID: employee.id, missionID: mission.id, siteID: employee.siteID!, start: start, end: end, breakMinutes: breakMinutes, status: .planned, note: ""))
                }
                if shifts.count >= 5000 { try await flush() }
            }
            progress("week \(week + 1)/\(options.weeks)")
        }
        try await flush()
        try await refreshStatistics()
        await database.didChange(organizationID: org.id)
        return Result(organization: org, sites: sites, teams: teams, employees: employees.count, missions: missionsBySite.values.reduce(0) { $0 + $1.count }, shifts: inserted)
    }

    /// Analyzes the seeded tables. A bulk load leaves the planner with the statistics of the tables
    /// before it (none at all in a new database) until autovacuum gets to them, a minute or more later:
    /// the load run measured the uncached week at 9.2 ms and 190 requests a second on a new database,
    /// and its raw SQL at 2.9 ms (3.5 ms, 490 and 1.6 ms with statistics). ANALYZE reads a bounded
    /// sample of each table; a VACUUM, which reads all of it, held a pooled connection for seconds on a
    /// database with a large organisation in it and is left to autovacuum.
    func refreshStatistics() async throws {
        try await database.withConnection { c in
            try await c.query("ANALYZE employees, missions, shifts", logger: database.logger)
        }
    }

    static let teamNames = ["Accueil", "Logistique", "Caisse", "Entrep\u{f4}t", "Livraison", "S\u{e9}curit\u{e9}", "Maintenance", "Restauration"]
    static let cities = [("Paris", "12 rue de Rivoli"), ("Lyon", "3 quai Saint-Antoine"), ("Lille", "8 place du G\u{e9}n\u{e9}ral de Gaulle")]
    static let clients = ["Atelier Dupuis", "Biocoop Nord", "Clinique Saint-Luc", "Decathlon Pro", "\u{c9}cole Jules Ferry", "Fnac Events", "Gare SNCF", "H\u{f4}tel Mercure", "Ikea Services"]
    static let firstNames = ["Camille", "L\u{e9}a", "Hugo", "Chlo\u{e9}", "Lucas", "Manon", "Nathan", "In\u{e8}s", "Louis", "Zo\u{e9}", "Jules", "Emma", "Rapha\u{eb}l", "Ana\u{ef}s", "Th\u{e9}o", "Sarah", "Mathis", "Jade", "Ga\u{eb}l", "Lina"]
    static let lastNames = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lef\u{e8}vre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier"]

    /// A lowercase ASCII form for email local parts.
    static func ascii(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        return String(folded.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || $0 == "-") }.map(Character.init)).lowercased()
    }
}

/// A small deterministic generator (SplitMix64), so a seed reproduces the same data on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
