import CrewplanTestSupport
import Domain
import Foundation
import Perf
import Resilience
import Testing

@Suite struct StatusTests {
    static func alert(_ status: String, fingerprint: String, component: String = "database", severity: String = "page", name: String = "ComponentDown") -> AlertmanagerNotification.Alert {
        AlertmanagerNotification.Alert(
            status: status, labels: ["alertname": name, "component": component, "severity": severity],
            annotations: ["summary": "\(component) is down (\(fingerprint))", "description": "probe fails"], startsAt: Date(), endsAt: status == "resolved" ? Date() : nil,
            fingerprint: fingerprint)
    }

    @Test func firingOpensOneIncidentThatSetsTheComponentAndResolvedClosesIt() async throws {
        let database = try await TestEnvironment.database()
        let status = StatusService(database: database, health: HealthChecker(database: database, redis: nil, timeout: TestEnvironment.patience), slo: nil, logger: TestEnvironment.logger)
        await status.probe()
        let fingerprint = "fp-\(UUID().uuidString)"
        await status.receive(.init(status: "firing", alerts: [Self.alert("firing", fingerprint: fingerprint)]))
        await status.receive(.init(status: "firing", alerts: [Self.alert("firing", fingerprint: fingerprint)]))  // repeated notification
        var summary = await status.summary()
        let open = summary.incidents.filter { $0.name.contains(fingerprint) }
        #expect(open.count == 1)
        #expect(open.first?.status == "investigating" && open.first?.impact == "critical")
        #expect(summary.components.first { $0.id == "database" }?.status == .majorOutage)
        #expect(summary.status.indicator == "critical")

        var stored: Incident?
        for _ in 0..<50 where stored == nil {
            stored = try await StatusStore(database: database).incidents().first { $0.fingerprint == fingerprint }
            if stored == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let id = try #require(stored?.id, "the incident is written")
        #expect(try await StatusStore(database: database).update(id: id, state: .identified, body: "disk full", at: Date()))
        await status.receive(.init(status: "resolved", alerts: [Self.alert("resolved", fingerprint: fingerprint)]))
        await status.probe()  // writes whatever the webhook left pending
        summary = await status.summary()
        #expect(!summary.incidents.contains { $0.name.contains(fingerprint) })
        let resolved = try #require(summary.resolvedIncidents.first { $0.name.contains(fingerprint) })
        #expect(resolved.incidentUpdates.map(\.status) == ["resolved", "identified", "investigating"])
        #expect(resolved.resolvedAt != nil)
    }

    @Test func probesCountDailyUptime() async throws {
        let database = try await TestEnvironment.database()
        let status = StatusService(database: database, health: HealthChecker(database: database, redis: nil, timeout: TestEnvironment.patience), slo: nil, logger: TestEnvironment.logger)
        let day = Date(timeIntervalSince1970: 1_700_000_000 + Double.random(in: 0...3_000_000_000).rounded())  // a day no other test uses
        let before = try await StatusStore(database: database).uptime(days: 1, until: LocalDate(instant: day, timeZone: TimeZone(identifier: "UTC")!))
        await status.probe(now: day)
        await status.probe(now: day)
        let after = try await StatusStore(database: database).uptime(days: 1, until: LocalDate(instant: day, timeZone: TimeZone(identifier: "UTC")!))
        #expect(before[.database] == nil || before[.database]!.isEmpty)
        #expect(after[.database]?.first?.1 == 1.0)
        #expect(after.keys.count == StatusComponent.allCases.count)
    }

    @Test func withTheDatabaseDownTheOutageAndItsIncidentStillShow() async throws {
        var configuration = TestEnvironment.databaseConfiguration
        configuration.port = 1
        let unreachable = Database(configuration: configuration, logger: TestEnvironment.logger)
        let status = StatusService(database: unreachable, health: HealthChecker(database: unreachable, redis: nil, timeout: .milliseconds(300)), slo: nil, logger: TestEnvironment.logger)
        let started = ContinuousClock.now
        await status.probe()
        await status.receive(.init(status: "firing", alerts: [Self.alert("firing", fingerprint: "down-\(UUID().uuidString)")]))
        let summary = await status.summary()
        // The pool is never run, so a read would wait forever: only the deadlines end it (0.7 s alone; the
        // bound leaves room for a machine busy with the whole suite).
        #expect(ContinuousClock.now - started < .seconds(10), "nothing waits on the unreachable database")
        #expect(summary.components.first { $0.id == "database" }?.status == .majorOutage)
        #expect(summary.incidents.count == 1)
        #expect(summary.status.indicator == "critical")
        let json = try StatusSummary.encoder.encode(summary)
        let object = try #require(JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(Set(object.keys).isSuperset(of: ["page", "status", "components", "incidents", "scheduled_maintenances"]))
    }

    /// The database can stop answering between a round's health check and the reads and writes after
    /// it; a connection request then waits until it is back. Here the health check asks a database that
    /// answers and the round's own work goes to one whose pool never connects.
    @Test(.timeLimit(.minutes(1))) func aProbeRoundDoesNotWaitOnADatabaseThatStopsAnsweringAfterItsCheck() async throws {
        let answering = try await TestEnvironment.database()
        var configuration = TestEnvironment.databaseConfiguration
        configuration.port = 1
        let silent = Database(configuration: configuration, logger: TestEnvironment.logger)
        let status = StatusService(
            database: silent, health: HealthChecker(database: answering, redis: nil, timeout: .seconds(2)), slo: nil, logger: TestEnvironment.logger)
        await status.receive(.init(status: "firing", alerts: [Self.alert("firing", fingerprint: "stalled-\(UUID().uuidString)", component: "jobs", severity: "ticket", name: "QueueBacklog")]))
        let started = ContinuousClock.now
        await status.probe()
        await status.housekeeping { _ = try await JobQueue(database: silent).stats() }
        // A round and its housekeeping: four bounded waits of 2 s; the bound leaves room for a busy machine.
        #expect(ContinuousClock.now - started < .seconds(20), "a round must not wait for the database to come back")
        let summary = await status.summary()
        #expect(summary.components.first { $0.id == "database" }?.status == .operational, "the health check answered: the writes were tried")
        #expect(summary.incidents.count == 1, "the incident is kept in memory until it can be written")
    }

    @Test func alertmanagerInstantsWithNanosecondsAndZeroDatesDecode() throws {
        let json = """
            {"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"ComponentDown","component":"cache"},
            "annotations":{},"startsAt":"2026-11-26T14:00:00.123456789Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"abc"}]}
            """
        let notification = try JSONDecoder().decode(AlertmanagerNotification.self, from: Data(json.utf8))
        let alert = try #require(notification.alerts.first)
        #expect(alert.endsAt == nil)
        #expect(abs((alert.startsAt?.timeIntervalSince1970 ?? 0) - 1_795_701_600.123) < 0.001)
    }
}
