import ArgumentParser
import Domain
import Foundation
import Security

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "Load data.", subcommands: [Demo.self])

    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seed a realistic, deterministic demo organisation (created if missing) with three logins.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Organisation slug.") var org = "demo"
        @Option(help: "Number of employees.") var employees = 40
        @Option(help: "Number of weeks of shifts, from the current week.") var weeks = 4
        @Option(help: "Random seed: the same seed gives the same data.") var seed: UInt64 = 42
        @Option(help: "First week (any date in it, YYYY-MM-DD); default this week.") var start: String?
        @Option(name: .customLong("admin-password"), help: "Password of the demo logins (env CREWPLAN_DEMO_PASSWORD).")
        var adminPassword: String?
        @Flag(help: "Replace the organisation's data if it has some.") var replace = false

        func run() async throws {
            try await runReporting(json: db.json) {
                let first: LocalDate
                if let start {
                    guard let parsed = LocalDate(start) else { throw DomainError.invalid("start", "start must be a date as YYYY-MM-DD") }
                    first = parsed
                } else {
                    first = LocalDate(instant: Date(), timeZone: TimeZone(identifier: "Europe/Paris")!)
                }
                let password = adminPassword ?? ProcessInfo.processInfo.environment["CREWPLAN_DEMO_PASSWORD"] ?? "crewplan-demo-2026"
                let options = DemoSeeder.Options(slug: org, employees: employees, weeks: weeks, seed: seed, firstWeek: first, replace: replace)
                let json = db.json
                let summary = try await db.withDatabase { database in
                    try await DemoSetup(database: database, logger: Output.logger).run(options, adminPassword: password, progress: json ? { _ in } : Output.progress)
                }
                if json { return Output.json(summary) }
                print("Seeded organisation '\(summary.organization)': \(summary.employees) employees, \(summary.missions) missions, \(summary.shifts) shifts.")
                print("Logins (password as given, default crewplan-demo-2026):")
                print("  admin:    \(summary.adminEmail)")
                print("  manager:  \(summary.managerEmail)")
                print("  employee: \(summary.employeeEmail)")
            }
        }
    }
}
