import Domain
import Foundation
import Logging
import NIOCore
import NIOPosix
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Drives the load scripts against live servers, measures the machine's own limits beside them (the
/// static route, the raw SQL through pgbench) and checks the budgets.
public struct LoadRunner: Sendable {
    /// The servers under load: one with the read cache, one without (same database).
    public struct Targets: Sendable {
        public var cachedURL: String
        public var uncachedURL: String
        public var email: String
        public var password: String
        public init(cachedURL: String, uncachedURL: String, email: String, password: String) {
            self.cachedURL = cachedURL
            self.uncachedURL = uncachedURL
            self.email = email
            self.password = password
        }
    }

    public var budgets: LoadBudgets
    public var scripts: URL
    public var database: DatabaseConfiguration
    public var logger: Logger

    public init(budgets: LoadBudgets, scripts: URL, database: DatabaseConfiguration, logger: Logger) {
        self.budgets = budgets
        self.scripts = scripts
        self.database = database
        self.logger = logger
    }

    /// A second organisation with the same people and one week of shifts, and its admin login.
    public struct FewerRows: Sendable {
        public var dataset: LoadDataset
        public var email: String
        public var password: String
        public init(dataset: LoadDataset, email: String, password: String) {
            self.dataset = dataset
            self.email = email
            self.password = password
        }
    }

    public func run(
        _ targets: Targets, dataset: LoadDataset, fewerRows: FewerRows? = nil, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> LoadReport {
        let token = try await Self.login(targets.cachedURL, email: targets.email, password: targets.password)
        let slots = FileManager.default.temporaryDirectory.appendingPathComponent("crewplan-slots-\(UUID().uuidString).json")
        let encoder = JSONEncoder()
        try encoder.encode(dataset).write(to: slots)
        defer { try? FileManager.default.removeItem(at: slots) }
        let from = RFC3339.format(dataset.weekStart.startInstant(in: TimeZone(identifier: "UTC")!))
        let to = RFC3339.format(dataset.weekStart.adding(days: 7).startInstant(in: TimeZone(identifier: "UTC")!))
        let common = [
            "TOKEN": token, "TEAM_ID": dataset.teamID.uuidString, "SITE_ID": dataset.siteID.uuidString,
            "WEEK_START": dataset.weekStart.description, "WEEK_FROM": from, "WEEK_TO": to, "SLOTS_FILE": slots.path,
            "EMAIL": targets.email, "PASSWORD": targets.password,
        ]
        let seconds = budgets.run.durationSeconds
        var measurements: [LoadReport.Measurement] = []
        func measure(_ endpoint: String, _ mode: LoadReport.Mode, url: String, vus: Int, overrides: [String: String] = [:]) async throws {
            progress("\(endpoint) (\(mode.rawValue), \(vus) connections, \(seconds) s)")
            var env = common.merging(overrides) { $1 }
            env["BASE_URL"] = url
            let result = try await K6.run(script: scripts.appendingPathComponent("\(endpoint).js"), vus: vus, durationSeconds: seconds, environment: env)
            measurements.append(.init(endpoint: endpoint, mode: mode, vus: vus, result: result))
        }
        let vus = budgets.run.vus
        try await measure("static", .baseline, url: targets.cachedURL, vus: vus)
        for endpoint in ["planning_week", "employees", "shifts"] {
            let endpointVUs = budgets.endpoints[endpoint]?.vus ?? vus
            try await measure(endpoint, .cached, url: targets.cachedURL, vus: endpointVUs)
            try await measure(endpoint, .uncached, url: targets.uncachedURL, vus: endpointVUs)
        }
        // The week on one connection, the same week with fewer rows in the tables, and its raw SQL are
        // compared as ratios, so they are measured side by side: in alternating rounds, each ratio the
        // median of the rounds' own (``LoadReport/ratios(of:)``), each figure shown the median of its
        // rounds. One long run of each, a minute apart, carried this machine's swings (each k6 run's
        // connection lands on one of the server's two event loops; p50 2.1 or 3.2 ms) into the ratios:
        // the rows-growth check failed once at 1.53 with the week itself unchanged.
        let roundSeconds = max(2, seconds / Self.singleRounds)
        var single: [K6.Result] = [], fewer: [K6.Result] = [], raw: [Double] = []
        var smallToken: String?
        if let fewerRows { smallToken = try await Self.login(targets.uncachedURL, email: fewerRows.email, password: fewerRows.password) }
        for round in 1...Self.singleRounds {
            progress("planning_week (one connection, round \(round) of \(Self.singleRounds): all rows, one week of rows, raw SQL)")
            var env = common
            env["BASE_URL"] = targets.uncachedURL
            single.append(try await K6.run(script: scripts.appendingPathComponent("planning_week.js"), vus: 1, durationSeconds: roundSeconds, environment: env))
            if let fewerRows, let smallToken {
                env.merge(["TOKEN": smallToken, "TEAM_ID": fewerRows.dataset.teamID.uuidString, "WEEK_START": fewerRows.dataset.weekStart.description]) { $1 }
                fewer.append(try await K6.run(script: scripts.appendingPathComponent("planning_week.js"), vus: 1, durationSeconds: roundSeconds, environment: env))
            }
            // As long as the week's own run: one second of pgbench read 0.92 ms in one round and
            // 1.54-1.88 ms in the four around it.
            raw.append(try await Self.pgbench(dataset.planningWeekSQL, database: database, seconds: roundSeconds))
        }
        if let result = Self.medianByP50(single) { measurements.append(.init(endpoint: "planning_week", mode: .uncachedSingle, vus: 1, result: result)) }
        if let result = Self.medianByP50(fewer) { measurements.append(.init(endpoint: "planning_week", mode: .uncachedSingleFewerRows, vus: 1, result: result)) }
        let sql = LoadReport.median(raw) ?? 0
        let rounds = single.indices.map { index in
            LoadReport.Round(
                weekMilliseconds: single[index].p50Milliseconds, fewerRowsMilliseconds: fewer.indices.contains(index) ? fewer[index].p50Milliseconds : nil,
                sqlMilliseconds: raw[index])
        }
        try await measure("shift_create", .write, url: targets.cachedURL, vus: budgets.endpoints["shift_create"]?.vus ?? vus)
        // Right after the writes, what one commit costs this machine's PostgreSQL: when shift_create is
        // slow, this tells a slow disk (WAL flush) from a slow server.
        progress("one commit with its WAL flush (pgbench, one connection)")
        let commit: Double?
        do {
            commit = try await Self.pgbench(Self.commitProbeSQL, database: database, seconds: 2)
        } catch {
            // A diagnostic, not a budget: a database role that may not emit WAL messages loses the line only.
            progress("one commit not measured: \(error)")
            commit = nil
        }
        try await measure("login", .write, url: targets.cachedURL, vus: budgets.endpoints["login"]?.vus ?? vus)
        return LoadReport(
            budgets: budgets, dataset: dataset, measurements: measurements, planningWeekSQLMilliseconds: sql, commitMilliseconds: commit,
            rounds: rounds)
    }

    /// Rounds of the one-connection measurements and of the raw SQL.
    static let singleRounds = 5

    /// The run whose p50 is the median of the runs' (the upper one of an even count); nil for none.
    package static func medianByP50(_ runs: [K6.Result]) -> K6.Result? {
        runs.isEmpty ? nil : runs.sorted { $0.p50Milliseconds < $1.p50Milliseconds }[runs.count / 2]
    }

    /// One transaction that writes one WAL record and nothing else (a transactional logical message,
    /// which takes a transaction id), so its commit waits for the WAL flush, as a shift write's does.
    /// No table is touched. PostgreSQL lets superusers (the load run's local database owner) call it.
    package static let commitProbeSQL = "SELECT pg_logical_emit_message(true, 'crewplan-commit-probe', '');\n"

    /// The median latency of one transaction of `sql`, in milliseconds, from pgbench on one connection.
    ///
    /// The median, as the k6 figures it is compared with are (their p50): pgbench's own summary gives
    /// the mean, which a few slow transactions raise (here by up to 15 %: 1.39 ms mean, 1.18 ms median),
    /// and a mean raw SQL beside a median week made the week's ratio look better than it was. The
    /// median comes from pgbench's per-transaction log; the mean only if that log says nothing.
    public static func pgbench(_ sql: String, database: DatabaseConfiguration, seconds: Int) async throws -> Double {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crewplan-pgbench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("script.sql")
        try Data(sql.utf8).write(to: file)
        var env = ProcessInfo.processInfo.environment
        if let password = database.password { env["PGPASSWORD"] = password }
        let run = try await Subprocess.run(
            tool: "pgbench",
            [
                "-n", "-c", "1", "-T", String(seconds), "-f", file.path, "--log", "--log-prefix", folder.appendingPathComponent("tx").path,
                "-h", database.host, "-p", String(database.port), "-U", database.username, database.database,
            ],
            hint: "pgbench comes with Debian's postgresql package.", extraDirectories: Subprocess.postgresToolDirectories(), environment: env)
        guard run.status == 0,
            let line = run.output.split(separator: "\n").first(where: { $0.hasPrefix("latency average") }),
            let mean = line.split(separator: "=").last?.split(separator: " ").first.flatMap({ Double($0) })
        else { throw DomainError(.unavailable, "pgbench failed (exit \(run.status)): \(run.error.suffix(400))") }
        let logs = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        let lines = logs.filter { $0.lastPathComponent.hasPrefix("tx.") }.flatMap { log in
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        guard let median = medianMilliseconds(pgbenchLog: lines), median > 0 else { return mean }
        return median
    }

    /// The median time per transaction in pgbench's per-transaction log lines
    /// (`client transaction latency_us script epoch_s epoch_us`), in milliseconds: the median gap between
    /// consecutive transactions' end times, one client's transactions running back to back, as the mean
    /// pgbench reports is their total time over their count. The logged latency itself is not used: it
    /// reads 0 for most transactions shorter than pgbench's clock reading (a commit without a disk
    /// flush logged 0 in 9 of 10). Nil for fewer than two transactions.
    package static func medianMilliseconds(pgbenchLog lines: [String]) -> Double? {
        let ends = lines.compactMap { line -> Double? in
            let fields = line.split(separator: " ")
            guard fields.count >= 6, let seconds = Double(fields[4]), let micro = Double(fields[5]) else { return nil }
            return seconds * 1_000_000 + micro
        }.sorted()
        let gaps = zip(ends, ends.dropFirst()).map { $1 - $0 }.sorted()
        guard !gaps.isEmpty else { return nil }
        let middle = gaps.count / 2
        let median = gaps.count % 2 == 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2
        return median / 1_000
    }

    /// An access token for the load scripts.
    public static func login(_ baseURL: String, email: String, password: String) async throws -> String {
        var request = URLRequest(url: URL(string: "\(baseURL)/api/v1/auth/login")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["email": email, "password": password])
        let (data, _) = try await URLSession.shared.data(for: request)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let token = object["access_token"] as? String else {
            throw DomainError(.unavailable, "login at \(baseURL) failed: \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return token
    }

    /// Waits until `baseURL/health` answers 200.
    public static func waitUntilHealthy(_ baseURL: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            var request = URLRequest(url: URL(string: "\(baseURL)/health")!)
            request.timeoutInterval = 1
            if let (_, response) = try? await URLSession.shared.data(for: request), (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DomainError(.unavailable, "\(baseURL) did not become healthy within \(timeout)")
    }

    /// A TCP port free on 127.0.0.1 right now (the OS picks it).
    public static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}

extension LoadRunner {
    /// Starts `crewplan-server` from `binary` on a free port and waits until it is healthy; its output
    /// goes to `log`. `environment` adds to (and overrides) this process's.
    public static func startServer(binary: URL, environment: [String: String], log: URL) async throws -> (Subprocess.Launched, String) {
        let port = try await freePort()
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        env["CREWPLAN_HOST"] = "127.0.0.1"
        env["CREWPLAN_PORT"] = String(port)
        let server = try Subprocess.launch(binary.path, [], environment: env, logFile: log)
        let url = "http://127.0.0.1:\(port)"
        do {
            try await waitUntilHealthy(url)
        } catch {
            await server.stop()
            throw DomainError(.unavailable, "crewplan-server did not start (see \(log.path)): \(error)")
        }
        return (server, url)
    }
}

extension LoadRunner {
    /// The whole run against servers of our own: starts `crewplan-server` twice (read cache on and
    /// off) with `environment`, measures, stops them, and writes the JSON and Markdown reports.
    public func runWithServers(
        server: URL, environment: [String: String], credentials: (email: String, password: String), dataset: LoadDataset,
        fewerRows: FewerRows? = nil, report: URL, progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> LoadReport {
        let folder = report.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (cached, cachedURL) = try await Self.startServer(
            binary: server, environment: environment.merging(["CREWPLAN_CACHE": "on"]) { $1 },
            log: folder.appendingPathComponent("load-server-cached.log"))
        let uncached: Subprocess.Launched
        let uncachedURL: String
        do {
            (uncached, uncachedURL) = try await Self.startServer(
                binary: server, environment: environment.merging(["CREWPLAN_CACHE": "off"]) { $1 },
                log: folder.appendingPathComponent("load-server-uncached.log"))
        } catch {
            await cached.stop()
            throw error
        }
        let result: LoadReport
        do {
            result = try await run(
                .init(cachedURL: cachedURL, uncachedURL: uncachedURL, email: credentials.email, password: credentials.password),
                dataset: dataset, fewerRows: fewerRows, progress: progress)
        } catch {
            await cached.stop()
            await uncached.stop()
            throw error
        }
        await cached.stop()
        await uncached.stop()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(result).write(to: report)
        try Data(result.markdown.utf8).write(to: report.deletingPathExtension().appendingPathExtension("md"))
        return result
    }
}
