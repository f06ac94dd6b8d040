import Foundation
import Perf
import Testing

@Suite struct SLOTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func apdexClassesBudgetAndStandings() {
        let tracker = SLOTracker(configuration: .standard)
        for _ in 0..<96 { tracker.record(method: "GET", route: "/health", status: 200, milliseconds: 3) }
        for _ in 0..<2 { tracker.record(method: "GET", route: "/health", status: 200, milliseconds: 250) }  // tolerating (<= 400)
        tracker.record(method: "GET", route: "/health", status: 200, milliseconds: 401)  // frustrated
        tracker.record(method: "GET", route: "/health", status: 503, milliseconds: 1)  // failed: frustrated
        tracker.record(method: "POST", route: "/health", status: 200, milliseconds: 1)  // another route
        let report = tracker.report()
        let health = try! #require(report.apdex.first { $0.name == "health" })
        #expect(health.satisfied == 96 && health.tolerating == 2 && health.frustrated == 2)
        #expect(abs(health.apdex - 0.97) < 1e-9)
        // 3% short of 1 against a 0.5% budget: 6 budgets spent.
        #expect(abs(health.errorBudgetRemaining - (1 - 0.03 / 0.005)) < 1e-9)
        #expect(!health.met)
        #expect(report.apdex.first { $0.name == "login" }?.requests == 0)
        #expect(!report.met)
    }

    @Test func latencyQuantileAndErrorRatio() {
        let tracker = SLOTracker(configuration: .standard)
        for i in 0..<100 { tracker.record(method: "GET", route: "/api/v1/shifts", status: i == 0 ? 500 : 200, milliseconds: i < 90 ? 8 : 400) }
        let report = tracker.report(queue: (depth: 3, oldestAgeSeconds: 12, dead: 0))
        let latency = try! #require(report.latency.first)
        // 90 answers within 10 ms, 10 between 250 and 500 ms: the 95th lies half-way in that bucket.
        #expect(abs((latency.observedMilliseconds ?? 0) - 375) < 1e-6)
        #expect(!latency.met)
        let errors = try! #require(report.errors.first)
        #expect(errors.failures == 1 && errors.requests == 100 && !errors.met)
        #expect(report.queue?.met == true)
    }

    @Test func theShippedFileIsTheStandardAndBadFilesAreRefused() throws {
        #expect(try SLOConfiguration.load(from: Self.root.appending(path: "slo.yaml")) == .standard)
        let duplicate = """
            service: x
            window_days: 30
            apdex:
              - {name: a, method: GET, route: /health, threshold_ms: 100, objective: 0.99, component: api}
              - {name: a, method: GET, route: /other, threshold_ms: 100, objective: 0.99, component: api}
            latency: []
            errors: []
            queue: {max_depth: 1, max_age_seconds: 1}
            components: []
            """
        #expect(throws: (any Error).self) { try SLOConfiguration.parse(duplicate) }
        #expect(throws: (any Error).self) { try SLOConfiguration.parse(duplicate.replacingOccurrences(of: "0.99", with: "1.5")) }
        #expect(throws: (any Error).self) { try SLOConfiguration.parse("service: [") }
    }

    @Test func generatedAlertingPassesPromtoolAndAmtoolAndABrokenRuleDoesNot() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "crewplan-alerts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let bundle = AlertBundle(slo: .standard, options: .init(webhookTokenFile: "/run/secrets/webhook"))
        let written = try bundle.write(to: directory, tests: Self.root.appending(path: "alerts/rules_test.yml"))
        #expect(written.contains("grafana/dashboards/crewplan.json"))
        let checks = try await AlertBundle.verify(directory: directory)
        #expect(checks.count == 4)
        #expect(checks.filter { !$0.passed }.isEmpty, "\(checks.filter { !$0.passed })")
        // Multi-window burn rates, as the SRE workbook sets them.
        #expect(bundle.rules.contains("crewplan:slo_apdex_bad_ratio:rate1h{slo=\"health\"} > 0.072 and crewplan:slo_apdex_bad_ratio:rate5m{slo=\"health\"} > 0.072"))
        #expect(bundle.rules.contains("rate6h{slo=\"health\"} > 0.03 and crewplan:slo_apdex_bad_ratio:rate30m{slo=\"health\"} > 0.03"))
        #expect(bundle.rules.contains("rate3d{slo=\"login\"} > 0.005 and crewplan:slo_apdex_bad_ratio:rate6h{slo=\"login\"} > 0.005"))
        #expect(bundle.alertmanagerConfiguration.contains("credentials_file: /run/secrets/webhook"))
        let dashboard = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appending(path: "grafana/dashboards/crewplan.json"))) as? [String: Any]
        #expect((dashboard?["panels"] as? [Any])?.count == 6)

        // A rule that names a missing metric makes the committed unit tests fail.
        let rules = directory.appending(path: "prometheus/rules.yml")
        try Data(try String(contentsOf: rules, encoding: .utf8).replacingOccurrences(of: "crewplan_component_up", with: "crewplan_component_missing").utf8).write(to: rules)
        let broken = try await AlertBundle.verify(directory: directory)
        #expect(broken.contains { $0.command.contains("test rules") && !$0.passed })
    }
}
