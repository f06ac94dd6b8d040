import ArgumentParser
import Domain
import Foundation
import Perf
import Security

struct DASTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dast", abstract: "Dynamic security testing of a live server.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "schemathesis on /openapi.json with valid tokens, then a passive scan of pages and API answers.",
            discussion: "Seeds the 'dast' organisation and starts crewplan-server beside this executable. Exit code 1 on a 5xx, an undocumented answer or a passive finding.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Examples per operation.") var examples = 15
        @Option(help: "JSON report (schemathesis' JUnit report goes beside it).") var report = ".data/dast-report.json"

        func run() async throws {
            try await runReporting(json: db.json) {
                let outcome = try await scan()
                if db.json {
                    Output.json(outcome)
                } else {
                    print(outcome.schemathesisSummary)
                    outcome.passive.forEach { print("passive: \($0)") }
                    print("schemathesis \(outcome.schemathesisPassed ? "passed" : "FAILED"); passive scan of \(outcome.checkedURLs) answers: \(outcome.passive.count) finding(s)")
                }
                if !outcome.passed { throw ExitCode(1) }
            }
        }

        func scan() async throws -> DAST.Report {
            let reportURL = URL(fileURLWithPath: report)
            let outcome = try await db.withSeededServer(
                slug: "dast", employees: 8, weeks: 1, log: reportURL.deletingLastPathComponent().appending(path: "dast-server.log")
            ) { url, logins, password in
                let token = try await LoadRunner.login(url, email: logins.adminEmail, password: password)
                let passive = try await DAST.passiveScan(
                    baseURL: url, token: token,
                    paths: ["/login", "/status", "/status.json", "/health", "/openapi.json", "/api/v1/me", "/api/v1/employees", "/api/v1/missions/\(UUID())", "/nowhere", "/static/app.css"])
                let fuzz = try await DAST.schemathesis(
                    baseURL: url, token: token, examples: examples, report: reportURL.deletingPathExtension().appendingPathExtension("junit.xml"))
                return DAST.Report(schemathesisPassed: fuzz.passed, schemathesisSummary: fuzz.summary, passive: passive.findings, checkedURLs: passive.checked)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(outcome).write(to: reportURL)
            return outcome
        }
    }
}
