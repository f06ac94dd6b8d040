import CrewplanTestSupport
import Domain
import Perf
import Foundation
import PostgresNIO
import Testing

/// The migrations engine on scratch databases of the real server.
@Suite struct MigrationTests {
    func withScratch<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        _ = try await TestEnvironment.database()
        let server = TestEnvironment.databaseConfiguration
        let name = "crewplan_test_\(UUID().uuidString.prefix(8).lowercased())"
        try await ScratchDatabase.create(name, on: server.with(database: "postgres"), logger: TestEnvironment.logger)
        do {
            let result = try await Database.withRunning(server.with(database: name), logger: TestEnvironment.logger, body)
            try await ScratchDatabase.drop(name, on: server.with(database: "postgres"), logger: TestEnvironment.logger)
            return result
        } catch {
            try? await ScratchDatabase.drop(name, on: server.with(database: "postgres"), logger: TestEnvironment.logger)
            throw error
        }
    }

    @Test func roundtripLeavesTheSameSchemaAsPgDump() async throws {
        try await withScratch { db in
            let migrator = Migrator(database: db, migrations: try Migration.bundled(), logger: TestEnvironment.logger)
            try await migrator.up()
            let first = try await pgDumpSchema(db.configuration)
            #expect(first.contains("CREATE TABLE public.shifts"))
            #expect(try await migrator.up().isEmpty)
            try await migrator.down(to: 0)
            #expect(!(try await pgDumpSchema(db.configuration)).contains("CREATE TABLE public.shifts"))
            try await migrator.up()
            #expect(try await pgDumpSchema(db.configuration) == first)
        }
    }

    @Test func roundtripGateReportPasses() async throws {
        let report = try await MigrationRoundtrip(server: TestEnvironment.databaseConfiguration, migrations: try Migration.bundled(), logger: TestEnvironment.logger).run()
        #expect(report.passed, "\(report.problems)")
        #expect(report.snapshot.contains { $0.hasPrefix("column shifts.starts_at") })
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() async throws {
        try await withScratch { db in
            let migrations = try Migration.bundled()
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 { group.addTask { try await Migrator(database: db, migrations: migrations, logger: TestEnvironment.logger).up() } }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(applied.sorted() == migrations.map(\.version))
            let entries = try await Migrator(database: db, migrations: migrations, logger: TestEnvironment.logger).status()
            #expect(entries.allSatisfy { $0.state == .applied })
        }
    }

    @Test func aChangedAppliedFileIsRefusedNamingFileAndChecksums() async throws {
        try await withScratch { db in
            let original = try Migration(fileName: "0001_things.sql", contents: "-- migrate:up\nCREATE TABLE things (id int);\n-- migrate:down\nDROP TABLE things;\n")
            try await Migrator(database: db, migrations: [original], logger: TestEnvironment.logger).up()
            let edited = try Migration(fileName: "0001_things.sql", contents: "-- migrate:up\nCREATE TABLE things (id bigint);\n-- migrate:down\nDROP TABLE things;\n")
            let migrator = Migrator(database: db, migrations: [edited], logger: TestEnvironment.logger)
            do {
                try await migrator.verify()
                Issue.record("a changed migration was accepted")
            } catch let error as DomainError {
                #expect(error.message.contains("0001_things.sql"))
                #expect(error.message.contains(original.checksum))
                #expect(error.message.contains(edited.checksum))
            }
            await #expect(throws: DomainError.self) { try await migrator.up() }
            #expect(try await migrator.status().first?.state == .changed)
        }
    }

    @Test func aFailingMigrationRollsBackAndNamesItsFile() async throws {
        try await withScratch { db in
            let good = try Migration(fileName: "0001_a.sql", contents: "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n")
            let bad = try Migration(fileName: "0002_b.sql", contents: "-- migrate:up\nCREATE TABLE b (id int);\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE b;\n")
            let migrator = Migrator(database: db, migrations: [good, bad], logger: TestEnvironment.logger)
            do {
                try await migrator.up()
                Issue.record("a failing migration was reported applied")
            } catch let error as DomainError {
                #expect(error.message.contains("0002_b.sql"))
            }
            let states = try await migrator.status().map(\.state)
            #expect(states == [.applied, .pending])
            let tables = try await db.withConnection { c in
                try await c.query("SELECT count(*)::bigint FROM pg_tables WHERE tablename = 'b'", logger: TestEnvironment.logger).decode(Int.self).collect()
            }
            #expect(tables == [0])
        }
    }

    func pgDumpSchema(_ config: DatabaseConfiguration) async throws -> String {
        let result = try await Subprocess.run(tool: "pg_dump", ["--schema-only", "--no-owner", "--exclude-table=crewplan_schema_history", config.url], hint: "install postgresql-client")
        guard result.status == 0 else { throw TestEnvironment.ServiceMissing(message: "pg_dump failed: \(result.error)") }
        // Drop pg_dump's comments and per-run \restrict keys; keep the DDL.
        return result.output.split(separator: "\n").filter { !$0.hasPrefix("--") && !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict") }.joined(separator: "\n")
    }
}
