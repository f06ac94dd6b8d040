import Domain
import Foundation
import Logging
import PostgresNIO
import Perf
import Security

/// The real services the tests use, from the same variables the server reads (`CREWPLAN_DATABASE_URL`,
/// `CREWPLAN_REDIS_URL`) with loopback defaults. A missing service fails the test with a message saying
/// how to start it; nothing is skipped.
public enum TestEnvironment {
    public static let logger: Logger = {
        var logger = Logger(label: "crewplan.tests")
        logger.logLevel = .error
        return logger
    }()

    public static var databaseConfiguration: DatabaseConfiguration {
        try! DatabaseConfiguration(url: ProcessInfo.processInfo.environment["CREWPLAN_DATABASE_URL"] ?? DatabaseConfiguration.defaultURL)
    }

    /// How long a reply of a real service (a Redis command, a health probe of PostgreSQL) may take in a
    /// test. The product gives up after 100-200 ms (Redis) or 2 s (a health probe), the right bounds on a
    /// served machine; the suite runs ~200 tests at once on two cores (bcrypt, Chromium, promtool,
    /// servers beside them), where a thread can wait that long to be scheduled. Tests that judge hits,
    /// replies or uptime use this bound so a busy machine does not change what they count; tests of the
    /// timeout itself set their own short one.
    public static let patience: Duration = .seconds(5)

    public static var redisConfiguration: RedisConfiguration {
        var configuration = try! RedisConfiguration(url: ProcessInfo.processInfo.environment["CREWPLAN_REDIS_URL"] ?? RedisConfiguration.defaultURL)
        configuration.timeout = patience
        return configuration
    }

    /// The read cache's settings for a test: the product's defaults but `patience` per command.
    public static var cacheConfiguration: CacheConfiguration { CacheConfiguration(commandTimeout: patience) }

    /// One pool per test process, running for the life of the process.
    static let shared: Database = {
        let database = Database(configuration: databaseConfiguration, logger: logger)
        Task.detached { await database.client.run() }
        return database
    }()

    private static let migrated = MigrationOnce()

    /// The shared database, migrated to the newest schema.
    public static func database() async throws -> Database {
        let database = shared
        do {
            try await migrated.run {
                try await Migrator(database: database, migrations: try Migration.bundled(), logger: logger).up()
            }
        } catch {
            throw ServiceMissing(
                message: "PostgreSQL is not usable at \(databaseConfiguration.redactedURL) (\(error)). Run the suite with scripts/test.sh, or start one with 'crewplan dev up' and set CREWPLAN_DATABASE_URL.")
        }
        return database
    }

    /// A security configuration with a per-process random secret.
    public static let security: SecurityConfiguration = {
        var rng = SystemRandomNumberGenerator()
        return try! SecurityConfiguration(jwtSecret: (0..<48).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }()

    public struct ServiceMissing: Error, CustomStringConvertible {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }
}

actor MigrationOnce {
    private var task: Task<Void, any Error>?
    func run(_ body: @escaping @Sendable () async throws -> Void) async throws {
        if task == nil { task = Task { try await body() } }
        try await task!.value
    }
}
