import CrewplanTestSupport
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServerApp
import Testing

@Suite struct ObservabilityAPITests {
    static func withApp<T: Sendable>(token: String?, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        _ = try await TestEnvironment.database()
        var configuration = API.configuration()
        configuration.alertWebhookToken = token
        let app = try await CrewplanApplication.build(configuration, logger: TestEnvironment.logger)
        return try await app.test(.router) { client in try await body(client) }
    }

    @Test func sloReportCountsTheServersOwnAnswers() async throws {
        try await Self.withApp(token: nil) { client in
            let before = try API.object(try await client.execute(uri: "/api/v1/slo", method: .get))
            func healthCount(_ report: [String: Any]) -> Int {
                let health = (report["apdex"] as? [[String: Any]])?.first { $0["name"] as? String == "health" }
                return ["satisfied", "tolerating", "frustrated"].reduce(0) { $0 + ((health?[$1] as? Int) ?? 0) }
            }
            for _ in 0..<5 { _ = try await client.execute(uri: "/health", method: .get) }
            let after = try API.object(try await client.execute(uri: "/api/v1/slo", method: .get))
            #expect(healthCount(after) - healthCount(before) == 5)
            try API.expectMatches(after, schema: "SLOReport")
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("crewplan_slo_apdex_requests_total{slo=\"health\",class=\"satisfied\"}"))
            #expect(metrics.contains("crewplan_slo_error_budget_remaining"))
        }
    }

    @Test func theAlertWebhookNeedsItsTokenAndOpensIncidents() async throws {
        let token = "token-\(UUID().uuidString)"
        try await Self.withApp(token: token) { client in
            let fingerprint = "api-\(UUID().uuidString)"
            let body: [String: Any] = [
                "version": "4", "status": "firing",
                "alerts": [[
                    "status": "firing", "labels": ["alertname": "LatencyHigh", "component": "api", "severity": "ticket"],
                    "annotations": ["summary": "slow answers \(fingerprint)"], "startsAt": "2026-11-26T10:00:00.5Z", "fingerprint": fingerprint,
                ]],
            ]
            let anonymous = try await client.execute(uri: "/api/v1/status/alerts", method: .post, headers: [.contentType: "application/json"], body: API.json(body))
            try API.expectProblem(anonymous, status: .unauthorized, code: "unauthorized")
            let wrong = try await client.execute(uri: "/api/v1/status/alerts", method: .post, headers: API.headers("nope"), body: API.json(body))
            #expect(wrong.status == .unauthorized)
            let accepted = try await client.execute(uri: "/api/v1/status/alerts", method: .post, headers: API.headers(token), body: API.json(body))
            #expect(accepted.status == .noContent)

            let summary = try API.object(try await client.execute(uri: "/status.json", method: .get))
            try API.expectMatches(summary, schema: "StatusSummary")
            let incident = (summary["incidents"] as? [[String: Any]])?.first { ($0["name"] as? String)?.contains(fingerprint) == true }
            #expect(incident?["impact"] as? String == "minor")
            let api = (summary["components"] as? [[String: Any]])?.first { $0["id"] as? String == "api" }
            #expect(api?["status"] as? String == "degraded_performance")

            let page = try await client.execute(uri: "/status", method: .get, headers: [.acceptLanguage: "fr"])
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("<html lang=\"fr\">"))
            #expect(html.contains("\u{c9}tat du service"))
            #expect(html.contains("slow answers \(fingerprint)"))
            #expect(html.contains("Performances d\u{e9}grad\u{e9}es"))

            // Resolve it so the shared database's page goes back to normal for other tests.
            var resolved = body
            resolved["status"] = "resolved"
            resolved["alerts"] = [[
                "status": "resolved", "labels": ["alertname": "LatencyHigh", "component": "api", "severity": "ticket"],
                "annotations": ["summary": "slow answers \(fingerprint)"], "endsAt": "2026-11-26T10:05:00Z", "fingerprint": fingerprint,
            ]]
            #expect(try await client.execute(uri: "/api/v1/status/alerts", method: .post, headers: API.headers(token), body: API.json(resolved)).status == .noContent)
        }
    }

    @Test func theServerPublishesStatusJSONThroughTheJobQueue() async throws {
        _ = try await TestEnvironment.database()
        let directory = FileManager.default.temporaryDirectory.appending(path: "crewplan-status-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = API.configuration()
        configuration.port = 0
        configuration.statusProbeInterval = .milliseconds(300)
        configuration.statusPublishDirectory = directory.path
        let app = try await CrewplanApplication.build(configuration, logger: TestEnvironment.logger)
        try await app.test(.live) { _ in
            let file = directory.appending(path: "status.json")
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while !FileManager.default.fileExists(atPath: file.path), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            let object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any], "status.json was not published")
            #expect((object["components"] as? [Any])?.count == 5)
        }
    }
}
