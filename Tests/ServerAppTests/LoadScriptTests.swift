import CrewplanTestSupport
import Foundation
import HummingbirdTesting
import Perf
import ServerApp
import Testing

/// The load scripts under `load/`, run by k6 against the live server: what `crewplan load run` and
/// the `perf` gate measure. The scripts judge statuses through k6's response callback, not per-request
/// checks, so the error rate the report reads has to count every answer but the expected one.
@Suite struct LoadScriptTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "load")

    @Test func answersOtherThanTheExpectedStatusAreCountedAsFailedRequests() async throws {
        _ = try await TestEnvironment.database()
        var configuration = API.configuration()
        configuration.port = 0
        let app = try await CrewplanApplication.build(configuration, logger: TestEnvironment.logger)
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let health = try await K6.run(script: Self.scripts.appending(path: "static.js"), vus: 2, durationSeconds: 1, environment: ["BASE_URL": base])
            #expect(health.requests > 0)
            #expect(health.errorRate == 0)

            // A token the server refuses: every answer is a 401, so every request failed.
            let refused = try await K6.run(
                script: Self.scripts.appending(path: "planning_week.js"), vus: 2, durationSeconds: 1,
                environment: ["BASE_URL": base, "TOKEN": "not-a-token", "WEEK_START": "2026-11-23", "TEAM_ID": UUID().uuidString])
            #expect(refused.requests > 0)
            #expect(refused.errorRate == 1)
        }
    }

    @Test func k6RunsWithALazierCollectorUnlessTheCallerChoseOne() {
        #expect(K6.processEnvironment(["PATH": "/usr/bin"]) == ["PATH": "/usr/bin", "GOGC": "800"])
        #expect(K6.processEnvironment(["GOGC": "100"])["GOGC"] == "100")
    }
}
