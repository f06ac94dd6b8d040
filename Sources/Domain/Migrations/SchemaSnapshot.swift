import Foundation
import PostgresNIO

/// A canonical description of the public schema read from the catalog (tables, columns, constraints,
/// indexes, sequences), for comparing two states of a database without external tools.
public enum SchemaSnapshot {
    public static func take(_ database: Database) async throws -> [String] {
        try await database.withConnection { c in
            var lines: [String] = []
            let columns = try await c.query(
                """
                SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, coalesce(column_default, '')::text
                FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name
                """, logger: database.logger
            ).rows((String, String, String, String, String).self)
            lines += columns.map { "column \($0.0).\($0.1) \($0.2) nullable=\($0.3) default=\($0.4)" }
            let constraints = try await c.query(
                """
                SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid)
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2
                """, logger: database.logger
            ).rows((String, String, String).self)
            lines += constraints.map { "constraint \($0.0).\($0.1) \($0.2)" }
            let indexes = try await c.query(
                "SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1", logger: database.logger
            ).rows((String, String).self)
            lines += indexes.map { "index \($0.0) \($0.1)" }
            let sequences = try await c.query(
                "SELECT sequence_name::text FROM information_schema.sequences WHERE sequence_schema = 'public' ORDER BY 1", logger: database.logger
            ).decode(String.self).collect()
            lines += sequences.map { "sequence \($0)" }
            return lines
        }
    }
}

/// The migrations gate and test: on a scratch database, `up` (twice: the second is a no-op), snapshot,
/// `down` to 0 (nothing but the history table left), `up` again, snapshot, compare, verify checksums.
public struct MigrationRoundtrip: Sendable {
    public let server: DatabaseConfiguration
    public let migrations: [Migration]
    public let logger: Logger

    public init(server: DatabaseConfiguration, migrations: [Migration], logger: Logger) {
        self.server = server
        self.migrations = migrations
        self.logger = logger
    }

    public struct Report: Sendable, Codable {
        public var passed: Bool
        public var summary: String
        public var problems: [String]
        /// The schema after the first `up`, as compared.
        public var snapshot: [String]
    }

    public func run() async throws -> Report {
        let scratch = "crewplan_scratch_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = server.with(database: "postgres")
        try await ScratchDatabase.create(scratch, on: admin, logger: logger)
        do {
            let report = try await Database.withRunning(server.with(database: scratch), logger: logger) { db in
                try await roundtrip(db)
            }
            try await ScratchDatabase.drop(scratch, on: admin, logger: logger)
            return report
        } catch {
            try? await ScratchDatabase.drop(scratch, on: admin, logger: logger)
            throw error
        }
    }

    private func roundtrip(_ db: Database) async throws -> Report {
        var problems: [String] = []
        let migrator = Migrator(database: db, migrations: migrations, logger: logger)
        let applied = try await migrator.up()
        if applied.count != migrations.count { problems.append("first up applied \(applied.count) of \(migrations.count) migrations") }
        let again = try await migrator.up()
        if !again.isEmpty { problems.append("a second up applied \(again) instead of nothing") }
        let first = try await SchemaSnapshot.take(db)
        try await migrator.down(to: 0)
        let empty = try await SchemaSnapshot.take(db).filter { !$0.contains("crewplan_schema_history") }
        if !empty.isEmpty { problems.append("down to 0 left \(empty.count) schema objects, e.g. \(empty[0])") }
        try await migrator.up()
        let second = try await SchemaSnapshot.take(db)
        if first != second {
            let diff = Set(first).symmetricDifference(Set(second)).sorted().prefix(10)
            problems.append("up, down, up changed the schema: \(diff.joined(separator: "; "))")
        }
        do { try await migrator.verify() } catch { problems.append("verify failed: \(error)") }
        return Report(
            passed: problems.isEmpty,
            summary: "\(migrations.count) migrations: up, no-op up, down to 0, up; \(first.count) schema objects compared",
            problems: problems, snapshot: first)
    }
}

/// Creates and drops throwaway databases (gates, tests, dry runs).
public enum ScratchDatabase {
    public static func create(_ name: String, on admin: DatabaseConfiguration, logger: Logger) async throws {
        try check(name)
        try await Database.withRunning(admin, logger: logger) { db in
            try await db.withConnection { try await $0.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger) }
        }
    }

    public static func drop(_ name: String, on admin: DatabaseConfiguration, logger: Logger) async throws {
        try check(name)
        try await Database.withRunning(admin, logger: logger) { db in
            try await db.withConnection { try await $0.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger) }
        }
    }

    private static func check(_ name: String) throws {
        guard name.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw DomainError.invalid("database", "scratch database names are lowercase letters, digits and underscores")
        }
    }
}

import Logging
