import CrewplanTestSupport
import Domain
import Foundation
import Perf
import Resilience
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The whole alerting path with real components on loopback: crewplan-server on a PostgreSQL of
/// its own, Prometheus with the rules generated from slo.yaml, Alertmanager, and an SMTP server
/// (Debian's python3-aiosmtpd). Stopping PostgreSQL must page by email and open an incident on the
/// status page; starting it again must resolve both.
@Suite(.serialized) struct AlertingEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func get(_ url: String) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 5
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// Polls `condition` every 250 ms until it holds; fails after `timeout`.
    static func eventually(_ what: String, timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("\(what) did not happen within \(timeout)")
        throw CancellationError()
    }

    static func summary(_ base: String) async throws -> [String: Any] {
        let (_, data) = try await get("\(base)/status.json")
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func componentStatus(_ summary: [String: Any], _ id: String) -> String? {
        (summary["components"] as? [[String: Any]])?.first { $0["id"] as? String == id }?["status"] as? String
    }

    @Test func databaseOutagePagesByEmailOpensAnIncidentAndResolves() async throws {
        let work = Self.root.appending(path: ".data/e2e-alerting-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let (pgPort, redisPort, smtpPort, promPort, amPort) = (
            try await LoadRunner.freePort(), try await LoadRunner.freePort(), try await LoadRunner.freePort(), try await LoadRunner.freePort(),
            try await LoadRunner.freePort()
        )
        let services = LocalServices(
            configuration: .init(dataDirectory: work.appending(path: "services"), postgresPort: pgPort, redisPort: redisPort, ephemeral: true),
            logger: TestEnvironment.logger)
        _ = try await services.up()
        let launched = Launched()
        do {
            let databaseConfiguration = try DatabaseConfiguration(url: services.configuration.databaseURL)
            try await Database.withRunning(databaseConfiguration, logger: TestEnvironment.logger) { database in
                try await Migrator(database: database, migrations: try Migration.bundled(), logger: TestEnvironment.logger).up()
            }
            let smtpLog = work.appending(path: "smtp.log")
            await launched.add(try Subprocess.launch(
                "/usr/bin/python3", ["-u", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(smtpPort)", "-c", "aiosmtpd.handlers.Debugging"],
                environment: ProcessInfo.processInfo.environment, logFile: smtpLog))

            let token = "webhook-\(UUID().uuidString)"
            let tokenFile = work.appending(path: "webhook-token")
            try Data(token.utf8).write(to: tokenFile)
            // The real crewplan-server, in a process of its own: its /metrics are its alone (an app in
            // this process would share the process's metrics with every other test's app, whose probes
            // of a healthy database say "up" while this one's is down).
            let server = Subprocess.sibling("crewplan-server")
            try #require(FileManager.default.isExecutableFile(atPath: server.path), "build crewplan-server beside the tests (swift build --build-tests builds it)")
            let (process, base) = try await LoadRunner.startServer(
                binary: server,
                environment: [
                    "CREWPLAN_DATABASE_URL": services.configuration.databaseURL, "CREWPLAN_REDIS_URL": services.configuration.redisURL,
                    "CREWPLAN_JWT_SECRET": "alerting-e2e-\(UUID().uuidString)-\(UUID().uuidString)", "CREWPLAN_STATUS_PROBE_SECONDS": "1",
                    "CREWPLAN_ALERT_WEBHOOK_TOKEN": token, "CREWPLAN_LOG_FORMAT": "text",
                ],
                log: work.appending(path: "server.log"))
            await launched.add(process)
            do {
                let address = String(base.dropFirst("http://".count))
                let bundle = AlertBundle(
                    slo: .standard,
                    options: .init(
                        targets: [address], alertmanager: "127.0.0.1:\(amPort)", smtpSmarthost: "127.0.0.1:\(smtpPort)",
                        emailTo: "oncall@crewplan.test", webhookURL: "\(base)/api/v1/status/alerts", webhookTokenFile: tokenFile.path, fast: true))
                let files = work.appending(path: "alerts")
                _ = try bundle.write(to: files, tests: nil)
                await launched.add(try Subprocess.launch(
                    "/usr/bin/prometheus",
                    ["--config.file=\(files.appending(path: "prometheus/prometheus.yml").path)", "--storage.tsdb.path=\(work.appending(path: "prometheus").path)",
                     "--web.listen-address=127.0.0.1:\(promPort)"],
                    environment: ProcessInfo.processInfo.environment, logFile: work.appending(path: "prometheus.log")))
                await launched.add(try Subprocess.launch(
                    "/usr/bin/prometheus-alertmanager",
                    ["--config.file=\(files.appending(path: "alertmanager/alertmanager.yml").path)", "--storage.path=\(work.appending(path: "alertmanager").path)",
                     "--web.listen-address=127.0.0.1:\(amPort)", "--cluster.listen-address="],
                    environment: ProcessInfo.processInfo.environment, logFile: work.appending(path: "alertmanager.log")))
                // Prometheus scrapes the server and sees the database up.
                try await Self.eventually("Prometheus scraping crewplan-server") {
                    let (_, data) = try await Self.get("http://127.0.0.1:\(promPort)/api/v1/query?query=crewplan_component_up%7Bcomponent%3D%22database%22%7D")
                    return String(decoding: data, as: UTF8.self).contains("\"1\"]")
                }
                try await Self.eventually("Alertmanager ready") { try await Self.get("http://127.0.0.1:\(amPort)/-/ready").0 == 200 }
                #expect(Self.componentStatus(try await Self.summary(base), "database") == "operational")

                // Outage.
                let outage = ContinuousClock.now
                try await services.stopPostgres()
                try await Self.eventually("the firing email") {
                    let text = (try? String(contentsOf: smtpLog, encoding: .utf8)) ?? ""
                    return text.contains("[FIRING] ComponentDown (database)")
                }
                let toEmail = ContinuousClock.now - outage
                print("alerting e2e: PostgreSQL stopped -> email in \(toEmail)")
                let mail = try String(contentsOf: smtpLog, encoding: .utf8)
                #expect(mail.contains("oncall@crewplan.test"))
                #expect(mail.contains("database is down"))
                try await Self.eventually("the incident on the status page", timeout: .seconds(20)) {
                    let summary = try await Self.summary(base)
                    let incidents = summary["incidents"] as? [[String: Any]] ?? []
                    return Self.componentStatus(summary, "database") == "major_outage"
                        && incidents.contains { ($0["components"] as? [[String: Any]])?.first?["id"] as? String == "database" && $0["status"] as? String == "investigating" }
                }
                let (pageStatus, page) = try await Self.get("\(base)/status")
                #expect(pageStatus == 200)
                #expect(String(decoding: page, as: UTF8.self).contains("database is down"))

                // Recovery.
                try await services.startPostgres()
                try await Self.eventually("the resolved email") {
                    ((try? String(contentsOf: smtpLog, encoding: .utf8)) ?? "").contains("[RESOLVED] ComponentDown (database)")
                }
                // The pool may still be backing off from the outage's failed connections: its writes can lag the probe.
                try await Self.eventually("the incident resolved and stored", timeout: .seconds(90)) {
                    let summary = try await Self.summary(base)
                    let resolved = summary["resolved_incidents"] as? [[String: Any]] ?? []
                    // Other alerts may come and go on a slow machine (latency while the database was away): only the database's count.
                    let open = (summary["incidents"] as? [[String: Any]] ?? []).filter { ($0["components"] as? [[String: Any]])?.first?["id"] as? String == "database" }
                    return Self.componentStatus(summary, "database") == "operational" && open.isEmpty
                        && resolved.contains { $0["status"] as? String == "resolved" && ($0["components"] as? [[String: Any]])?.first?["id"] as? String == "database" }
                }
                let stored = try await Database.withRunning(databaseConfiguration, logger: TestEnvironment.logger) { database in
                    try await StatusStore(database: database).incidents()
                }
                #expect(stored.contains { $0.component == .database && $0.state == .resolved && $0.resolvedAt != nil })
            }
        } catch {
            await launched.stopAll()
            try? await services.down(removeData: true)
            throw error
        }
        await launched.stopAll()
        try await services.down(removeData: true)
        try? FileManager.default.removeItem(at: work)
    }
}

/// The peers a test started, stopped at its end whatever happens.
actor Launched {
    var processes: [Subprocess.Launched] = []
    func add(_ process: Subprocess.Launched) { processes.append(process) }
    func stopAll() async {
        for process in processes.reversed() { await process.stop(timeout: .seconds(3)) }
        processes = []
    }
}
