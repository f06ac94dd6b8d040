import ArgumentParser
import Domain
import Foundation
import Perf

struct ObsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obs", abstract: "Observability: alerting files generated from slo.yaml.", subcommands: [Alerts.self])

    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate Prometheus rules and configuration, Alertmanager and Grafana files from slo.yaml.",
            discussion: """
                Writes DIR/prometheus (prometheus.yml, rules.yml, rules_test.yml), DIR/alertmanager/alertmanager.yml and
                DIR/grafana (provisioning and a dashboard). With --check, runs promtool check/test rules and amtool
                check-config on them; exit code 1 when one fails.
                """)
        @Option(help: "The objectives.") var slo = "slo.yaml"
        @Option(help: "Output folder.") var out: String
        @Option(help: "promtool test cases to copy beside the rules.") var tests = "alerts/rules_test.yml"
        @Option(help: "crewplan-server instance to scrape (host:port, repeatable).") var target: [String] = []
        @Option(help: "Alertmanager address (host:port).") var alertmanager = "127.0.0.1:9093"
        @Option(help: "SMTP server for the email receiver (host:port).") var smtp = "127.0.0.1:25"
        @Option(help: "Sender address of alert emails.") var emailFrom = "crewplan-alerts@localhost"
        @Option(help: "Recipient of alert emails.") var emailTo = "oncall@localhost"
        @Option(help: "Status page webhook (crewplan-server's POST /api/v1/status/alerts).") var webhookURL = "http://127.0.0.1:8080/api/v1/status/alerts"
        @Option(help: "File holding the webhook's bearer token (CREWPLAN_ALERT_WEBHOOK_TOKEN of the server).") var webhookTokenFile: String?
        @Flag(help: "Seconds instead of minutes (end-to-end tests only).") var fast = false
        @Flag(help: "Check the files with promtool and amtool.") var check = false
        @Flag(help: "One JSON object on stdout.") var json = false

        func run() async throws {
            try await runReporting(json: json) {
                let configuration = try SLOConfiguration.load(from: URL(fileURLWithPath: slo))
                let options = AlertBundle.Options(
                    targets: target.isEmpty ? ["127.0.0.1:8080"] : target, alertmanager: alertmanager, smtpSmarthost: smtp, smtpFrom: emailFrom,
                    emailTo: emailTo, webhookURL: webhookURL, webhookTokenFile: webhookTokenFile, fast: fast)
                let directory = URL(fileURLWithPath: out)
                let testCases = FileManager.default.fileExists(atPath: tests) ? URL(fileURLWithPath: tests) : nil
                let written = try AlertBundle(slo: configuration, options: options).write(to: directory, tests: testCases)
                let checks = check ? try await AlertBundle.verify(directory: directory) : []
                if json {
                    Output.json(["files": written.map { directory.appending(path: $0).path }, "checks": checks.map { "\($0.passed ? "pass" : "fail"): \($0.command)" }])
                } else {
                    written.forEach { print(directory.appending(path: $0).path) }
                    for c in checks { print("\(c.passed ? "pass" : "FAIL")  \(c.command)\(c.passed ? "" : "\n" + c.output)") }
                }
                if checks.contains(where: { !$0.passed }) { throw ExitCode(1) }
            }
        }
    }
}
