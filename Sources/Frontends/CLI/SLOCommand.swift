import ArgumentParser
import Domain
import Foundation
import Perf
import Security

struct SLOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slo", abstract: "Service level objectives under load.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run k6 on /health and login against a server of our own and check its Apdex objectives.",
            discussion: "Seeds the 'slo' organisation, starts crewplan-server beside this executable, writes the report as JSON. Exit code 1 when an objective is missed.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Seconds of load.") var duration = 15
        @Option(help: "The k6 script.") var script = "load/slo.js"
        @Option(help: "The objectives.") var slo = "slo.yaml"
        @Option(help: "JSON report.") var report = ".data/slo-report.json"

        func run() async throws {
            try await runReporting(json: db.json) {
                let password = "slo-\(UUID().uuidString)"
                let options = DemoSeeder.Options(slug: "slo", employees: 5, weeks: 1, firstWeek: LocalDate(instant: Date(), timeZone: TimeZone(identifier: "UTC")!).mondayOfWeek, replace: true)
                let summary = try await db.withDatabase { database in
                    try await DemoSetup(database: database, logger: Output.logger).run(options, adminPassword: password)
                }
                var environment = [
                    "CREWPLAN_DATABASE_URL": try db.configuration().url, "CREWPLAN_LOG_LEVEL": "warning", "CREWPLAN_SLO_FILE": slo,
                    "CREWPLAN_JWT_SECRET": (0..<4).map { _ in UUID().uuidString }.joined(),
                ]
                if let redisURL = db.redisURL { environment["CREWPLAN_REDIS_URL"] = redisURL }
                let log = URL(fileURLWithPath: report).deletingLastPathComponent().appending(path: "slo-server.log")
                try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
                let (server, url) = try await LoadRunner.startServer(binary: Subprocess.sibling("crewplan-server"), environment: environment, log: log)
                let outcome: SLOCheck.Outcome
                do {
                    outcome = try await SLOCheck.run(baseURL: url, email: summary.adminEmail, password: password, script: URL(fileURLWithPath: script), durationSeconds: duration)
                    await server.stop()
                } catch {
                    await server.stop()
                    throw error
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(outcome).write(to: URL(fileURLWithPath: report))
                if db.json {
                    Output.json(outcome)
                } else {
                    for a in outcome.report.apdex {
                        print("\(a.name) (\(a.route), T \(a.thresholdMilliseconds) ms): Apdex \(String(format: "%.4f", a.apdex)) over \(a.requests) requests, objective \(a.objective): \(a.met ? "met" : "MISSED")")
                    }
                    print("k6: \(outcome.load.requests) requests, \(String(format: "%.0f", outcome.load.rps)) rps, error rate \(outcome.load.errorRate)")
                }
                if !outcome.passed { throw ExitCode(1) }
            }
        }
    }
}
