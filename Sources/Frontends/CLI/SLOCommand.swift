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
                let outcome = try await db.withSeededServer(
                    slug: "slo", employees: 5, weeks: 1, log: URL(fileURLWithPath: report).deletingLastPathComponent().appending(path: "slo-server.log"),
                    environment: ["CREWPLAN_SLO_FILE": slo]
                ) { url, logins, password in
                    try await SLOCheck.run(baseURL: url, email: logins.adminEmail, password: password, script: URL(fileURLWithPath: script), durationSeconds: duration)
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
