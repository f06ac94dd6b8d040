import Domain
import Foundation
import Logging
import Perf
import PostgresNIO

/// A project-local PostgreSQL and Redis for development and tests: data under one folder
/// (`.data/` by default), listening on loopback only. Tools come from PATH (and Debian's
/// `/usr/lib/postgresql/N/bin`); a missing one gives a message saying what to install.
public struct LocalServices: Sendable {
    public struct Configuration: Sendable {
        public var dataDirectory: URL
        public var postgresPort: Int
        public var redisPort: Int
        public var database: String
        public var user: String
        /// Trade durability for speed (fsync off, no Redis snapshots): for throwaway test data only.
        public var ephemeral: Bool

        public init(dataDirectory: URL, postgresPort: Int = 54329, redisPort: Int = 63799, database: String = "crewplan", user: String = "crewplan", ephemeral: Bool = false) {
            self.dataDirectory = dataDirectory
            self.postgresPort = postgresPort
            self.redisPort = redisPort
            self.database = database
            self.user = user
            self.ephemeral = ephemeral
        }

        public var databaseURL: String { "postgres://\(user)@127.0.0.1:\(postgresPort)/\(database)" }
        public var redisURL: String { "redis://127.0.0.1:\(redisPort)/0" }
        var postgresDirectory: URL { dataDirectory.appendingPathComponent("postgres") }
        var redisDirectory: URL { dataDirectory.appendingPathComponent("redis") }
    }

    public struct Status: Sendable, Codable {
        public var postgresRunning: Bool
        public var redisRunning: Bool
        public var databaseURL: String
        public var redisURL: String
        public var dataDirectory: String
        enum CodingKeys: String, CodingKey {
            case postgresRunning = "postgres_running"
            case redisRunning = "redis_running"
            case databaseURL = "database_url"
            case redisURL = "redis_url"
            case dataDirectory = "data_directory"
        }
    }

    public let configuration: Configuration
    public let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    static let installHint = "On Debian: apt-get install postgresql redis-server (the README's first command does it)."

    /// Starts both services (initialising PostgreSQL on first use) and creates the database.
    public func up(progress: @Sendable (String) -> Void = { _ in }) async throws -> Status {
        let fm = FileManager.default
        try fm.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        let pgdata = configuration.postgresDirectory
        if !fm.fileExists(atPath: pgdata.appendingPathComponent("PG_VERSION").path) {
            try fm.createDirectory(at: pgdata, withIntermediateDirectories: true)
            try await PlatformShim.prepareForPostgres(pgdata)
            let result = try await postgresTool("initdb", ["-D", pgdata.path, "-U", configuration.user, "--auth=trust", "-E", "UTF8", "--no-locale"])
            guard result.status == 0 else { throw DomainError(.unavailable, "initdb failed: \(result.error)\(result.output)") }
            progress("initialised PostgreSQL in \(pgdata.path)")
        }
        try await startPostgres(progress: progress)
        try await createDatabaseIfMissing()
        if !(await redisRunning()) {
            try fm.createDirectory(at: configuration.redisDirectory, withIntermediateDirectories: true)
            var args = [
                "--port", "\(configuration.redisPort)", "--bind", "127.0.0.1", "--daemonize", "yes", "--dir", configuration.redisDirectory.path,
                "--pidfile", configuration.redisDirectory.appendingPathComponent("redis.pid").path,
                "--logfile", configuration.dataDirectory.appendingPathComponent("redis.log").path,
            ]
            if configuration.ephemeral { args += ["--save", "", "--appendonly", "no"] }
            let result = try await Subprocess.run(tool: "redis-server", args, hint: Self.installHint)
            guard result.status == 0 else { throw DomainError(.unavailable, "redis-server failed: \(result.output)\(result.error)") }
            // As long as pg_ctl waits for PostgreSQL: a machine busy with other work can take seconds.
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            var running = await redisRunning()
            while !running, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                running = await redisRunning()
            }
            guard running else { throw DomainError(.unavailable, "Redis did not answer on port \(configuration.redisPort) within 30 s") }
            progress("Redis listening on 127.0.0.1:\(configuration.redisPort)")
        }
        return try await status()
    }

    /// Stops both services; data stays. With `removeData`, the data folder is deleted too.
    public func down(removeData: Bool = false) async throws {
        try await stopPostgres()
        if await redisRunning() {
            _ = try? await RedisConnection(configuration: .init(port: configuration.redisPort)).command(["SHUTDOWN", "NOSAVE"])
        }
        if removeData { try? FileManager.default.removeItem(at: configuration.dataDirectory) }
    }

    /// Starts PostgreSQL alone (initialised already); nothing when it runs.
    public func startPostgres(progress: @Sendable (String) -> Void = { _ in }) async throws {
        guard try await !postgresRunning() else { return }
        var options = "-p \(configuration.postgresPort) -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        if configuration.ephemeral { options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" }
        let log = configuration.dataDirectory.appendingPathComponent("postgres.log")
        try await PlatformShim.prepareLogFile(log)
        let result = try await postgresTool("pg_ctl", ["-D", configuration.postgresDirectory.path, "-l", log.path, "-o", options, "-w", "-t", "30", "start"])
        guard result.status == 0 else {
            let tail = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
            throw DomainError(.unavailable, "PostgreSQL did not start on port \(configuration.postgresPort): \(result.output)\(result.error)\n\(tail)")
        }
        progress("PostgreSQL listening on 127.0.0.1:\(configuration.postgresPort)")
    }

    /// Stops PostgreSQL alone (fast shutdown: open sessions are ended); nothing when it is stopped.
    public func stopPostgres() async throws {
        guard try await postgresRunning() else { return }
        let result = try await postgresTool("pg_ctl", ["-D", configuration.postgresDirectory.path, "-m", "fast", "-w", "stop"])
        guard result.status == 0 else { throw DomainError(.unavailable, "pg_ctl stop failed: \(result.error)") }
    }

    public func status() async throws -> Status {
        Status(
            postgresRunning: try await postgresRunning(), redisRunning: await redisRunning(), databaseURL: configuration.databaseURL,
            redisURL: configuration.redisURL, dataDirectory: configuration.dataDirectory.path)
    }

    // MARK: - internals

    private func postgresRunning() async throws -> Bool {
        guard FileManager.default.fileExists(atPath: configuration.postgresDirectory.appendingPathComponent("PG_VERSION").path) else { return false }
        return try await postgresTool("pg_ctl", ["-D", configuration.postgresDirectory.path, "status"]).status == 0
    }

    private func redisRunning() async -> Bool {
        var config = RedisConfiguration(port: configuration.redisPort)
        // A closed port is refused at once; the timeout only bounds a Redis that is up but slow.
        config.timeout = .seconds(1)
        return (try? await RedisConnection(configuration: config).ping()) != nil
    }

    private func postgresTool(_ name: String, _ arguments: [String]) async throws -> Subprocess.Result {
        guard let path = Subprocess.find(name, extraDirectories: PlatformShim.postgresDirectories()) else {
            throw Subprocess.NotFound(name: name, hint: Self.installHint)
        }
        return try await PlatformShim.runAsPostgresOwner(path, arguments)
    }

    private func createDatabaseIfMissing() async throws {
        let admin = DatabaseConfiguration(port: configuration.postgresPort, username: configuration.user, database: "postgres", maximumConnections: 2)
        let name = configuration.database
        try await Database.withRunning(admin, logger: logger) { db in
            let exists = try await db.withConnection { c in
                try await c.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger).collect().count
            }
            if exists == 0 {
                guard name.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                    throw DomainError.invalid("database", "database names are lowercase letters, digits and underscores")
                }
                try await db.withConnection { c in try await c.query(.init(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger) }
            }
        }
    }
}
