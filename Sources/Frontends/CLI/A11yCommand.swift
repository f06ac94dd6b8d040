import ArgumentParser
import Domain
import Foundation
import Perf
import Security

struct A11yCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "a11y", abstract: "Accessibility scans of the web pages in a real browser.", subcommands: [Scan.self])

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run axe-core in headless Chromium on every page, in French and English, and write an HTML report.",
            discussion: """
                With --serve, seeds the 'a11y' organisation and starts crewplan-server (beside this executable) on a free
                port; otherwise scans --base-url with --email and --password. Writes a11y-report.html, a11y-report.json and
                screenshots/ under --out. Exit code 1 on any violation not listed in the exceptions file.
                Needs chromium and chromium-driver (Debian) and axe.min.js (axe-core 4.10).
                """)
        @OptionGroup var db: DatabaseOptions
        @Flag(help: "Seed an organisation and start a server of our own.") var serve = false
        @Option(help: "A running server to scan (without --serve).") var baseURL = "http://127.0.0.1:8080"
        @Option(help: "Account to sign in with (without --serve).") var email = "manager@demo.example.com"
        @Option(help: "Its password (without --serve; or CREWPLAN_A11Y_PASSWORD).") var password = ProcessInfo.processInfo.environment["CREWPLAN_A11Y_PASSWORD"] ?? "crewplan-demo-2026"
        @Option(help: "axe-core's axe.min.js (or CREWPLAN_AXE_JS).") var axe = ProcessInfo.processInfo.environment["CREWPLAN_AXE_JS"] ?? ".data/tools/axe.min.js"
        @Option(help: "Accepted violations, each with a reason.") var exceptions = "a11y/exceptions.yaml"
        @Option(help: "Report folder.") var out = ".data/a11y"

        func run() async throws {
            try await runReporting(json: db.json) {
                let report = try await scan()
                if db.json {
                    Output.json(["passed": report.passed ? 1 : 0, "pages": report.pages.count, "violations": report.violations, "excused": report.excused])
                } else {
                    for page in report.pages where !page.violations.isEmpty {
                        for v in page.violations { print("\(page.page) (\(page.language.rawValue)): \(v.rule) [\(v.impact)] \(v.targets.joined(separator: ", "))\(v.excused.map { " (excused: \($0))" } ?? "")") }
                    }
                    print("\(report.pages.count) pages, \(report.violations) violation(s), \(report.excused) excused; report: \(out)/a11y-report.html")
                }
                if !report.passed { throw ExitCode(1) }
            }
        }

        func scan() async throws -> A11yScan.Report {
            let output = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            guard FileManager.default.fileExists(atPath: axe) else {
                throw DomainError(.unavailable, "axe-core not found at \(axe): scripts/test.sh fetches it, or pass --axe")
            }
            let configuration = A11yScan.Configuration(
                baseURL: baseURL, email: email, password: password, axeScript: URL(fileURLWithPath: axe), output: output,
                exceptions: try A11yScan.Exception.load(from: URL(fileURLWithPath: exceptions)))
            let quiet = db.json
            let progress: @Sendable (String) -> Void = { if !quiet { Output.progress($0) } }
            let driver = try await ChromeDriver.start(log: output.appending(path: "chromedriver.log"))
            do {
                let report: A11yScan.Report
                if serve {
                    report = try await db.withSeededServer(
                        slug: "a11y", employees: 24, weeks: 2, zone: TimeZone(identifier: "Europe/Paris")!, log: output.appending(path: "server.log")
                    ) { url, logins, password in
                        var served = configuration
                        served.baseURL = url
                        served.email = logins.managerEmail
                        served.password = password
                        return try await A11yScan(configuration: served).run(driver: driver, progress: progress)
                    }
                } else {
                    report = try await A11yScan(configuration: configuration).run(driver: driver, progress: progress)
                }
                await driver.stop()
                return report
            } catch {
                await driver.stop()
                throw error
            }
        }
    }
}
