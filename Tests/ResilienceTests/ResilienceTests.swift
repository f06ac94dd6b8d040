import CrewplanTestSupport
import Domain
import Foundation
import Perf
import PostgresNIO
import Resilience
import Testing

@Suite struct HealthCheckerTests {
    @Test func healthyWhenBothAnswer() async throws {
        let db = try await TestEnvironment.database()
        let report = await HealthChecker(database: db, redis: RedisConnection(configuration: TestEnvironment.redisConfiguration), timeout: TestEnvironment.patience).check()
        #expect(report.status == .ok)
        #expect(report.components.map(\.name) == ["database", "cache"])
    }

    @Test func degradedWithoutRedisAndUnavailableWithoutPostgreSQL() async throws {
        let db = try await TestEnvironment.database()
        var deadRedis = RedisConfiguration(port: 1)
        deadRedis.timeout = .milliseconds(100)
        let degraded = await HealthChecker(database: db, redis: RedisConnection(configuration: deadRedis), timeout: TestEnvironment.patience).check()
        #expect(degraded.status == .degraded)
        #expect(degraded.components.first { $0.name == "cache" }?.up == false)

        var dead = TestEnvironment.databaseConfiguration
        dead.port = 1
        // A server's pool keeps running while PostgreSQL is away; readiness says so within its deadline.
        let database = Database(configuration: dead, logger: TestEnvironment.logger)
        let report = await withTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            let report = await HealthChecker(database: database, redis: nil, timeout: .seconds(1)).check()
            group.cancelAll()
            return report
        }
        #expect(report.status == .unavailable)
        #expect(report.components[0].error != nil)
        // A short-lived tool is told at once instead.
        do {
            try await Database.withRunning(dead, logger: TestEnvironment.logger) { _ in }
            Issue.record("withRunning reached an unreachable server")
        } catch let error as DomainError {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("127.0.0.1:1"))
        }
    }
}

/// `crewplan dev up/down` behaviour: real initdb, pg_ctl and redis-server in a throwaway folder.
@Suite struct LocalServicesTests {
    @Test func upStartsBothAndDownStopsThem() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crewplan-dev-\(UUID().uuidString.prefix(8))")
        let services = LocalServices(
            configuration: .init(dataDirectory: dir, postgresPort: try await LoadRunner.freePort(), redisPort: try await LoadRunner.freePort(), ephemeral: true), logger: TestEnvironment.logger)
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try await services.status()
        #expect(!before.postgresRunning && !before.redisRunning)
        let up = try await services.up()
        #expect(up.postgresRunning && up.redisRunning)
        // The database it created is usable.
        try await Database.withRunning(try DatabaseConfiguration(url: up.databaseURL), logger: TestEnvironment.logger) { try await $0.ping() }
        // Up again is a no-op.
        #expect(try await services.up().postgresRunning)
        try await services.down(removeData: true)
        let after = try await services.status()
        #expect(!after.postgresRunning && !after.redisRunning)
        #expect(!FileManager.default.fileExists(atPath: dir.path))
    }
}
