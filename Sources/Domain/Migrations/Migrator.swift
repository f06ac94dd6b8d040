import Foundation
import Logging
import PostgresNIO

/// Applies and reverts migrations: one transaction per migration, under a PostgreSQL advisory lock so
/// concurrent migrators queue instead of racing, with a checksummed history table.
public struct Migrator: Sendable {
    public let database: Database
    public let migrations: [Migration]
    public let logger: Logger

    /// Advisory lock key: "crewplan" read as a number, shared by every migrator.
    static let lockKey: Int64 = 0x6372_6577_706c_616e

    public init(database: Database, migrations: [Migration], logger: Logger) {
        self.database = database
        self.migrations = migrations
        self.logger = logger
    }

    public enum State: String, Sendable, Codable {
        case applied, pending, changed
        /// Recorded in the database but no file has this version (applied by a newer build).
        case unknown
    }

    public struct Entry: Sendable, Codable, Equatable {
        public var version: Int
        public var name: String
        public var state: State
        public var fileChecksum: String?
        public var appliedChecksum: String?
        public var appliedAt: Date?

        enum CodingKeys: String, CodingKey {
            case version, name, state
            case fileChecksum = "file_checksum"
            case appliedChecksum = "applied_checksum"
            case appliedAt = "applied_at"
        }
    }

    /// The state of every known migration, file or history.
    public func status() async throws -> [Entry] {
        try await database.withConnection { connection in
            try await ensureHistory(connection)
            return try await entries(connection)
        }
    }

    /// Refuses when an applied file changed (naming the file and both checksums) or history is unknown.
    public func verify() async throws {
        let entries = try await status()
        try check(entries)
    }

    /// Applies pending migrations up to `target` (all when nil). Returns the versions applied.
    @discardableResult
    public func up(to target: Int? = nil) async throws -> [Int] {
        try await locked { connection in
            try check(try await entries(connection))
            let applied = Set(try await appliedRows(connection).keys)
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                if let target, migration.version > target { break }
                let started = ContinuousClock.now
                try await connection.withTransaction(logger: logger) { tx in
                    for statement in SQLScript.statements(migration.up) {
                        try await run(statement, migration: migration, on: tx)
                    }
                    let elapsed = Int((ContinuousClock.now - started).components.seconds * 1000)
                    try await tx.query(
                        """
                        INSERT INTO crewplan_schema_history (version, name, checksum, execution_ms)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum), \(elapsed))
                        """, logger: logger)
                }
                logger.info("migration applied", metadata: ["crewplan.migration": "\(migration.fileName)"])
                done.append(migration.version)
            }
            return done
        }
    }

    /// Reverts applied migrations above `target` (0 reverts all), newest first. Returns the versions reverted.
    @discardableResult
    public func down(to target: Int) async throws -> [Int] {
        guard target >= 0 else { throw DomainError.invalid("to", "target version must be >= 0") }
        return try await locked { connection in
            try check(try await entries(connection))
            let applied = try await appliedRows(connection)
            var done: [Int] = []
            for migration in migrations.reversed() where migration.version > target && applied[migration.version] != nil {
                try await connection.withTransaction(logger: logger) { tx in
                    for statement in SQLScript.statements(migration.down) {
                        try await run(statement, migration: migration, on: tx)
                    }
                    try await tx.query(
                        "DELETE FROM crewplan_schema_history WHERE version = \(migration.version)", logger: logger)
                }
                logger.info("migration reverted", metadata: ["crewplan.migration": "\(migration.fileName)"])
                done.append(migration.version)
            }
            return done
        }
    }

    // MARK: - internals

    private func run(_ statement: String, migration: Migration, on connection: PostgresConnection) async throws {
        do {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        } catch let error as PSQLError {
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            throw DomainError(
                .invalidInput, "\(migration.fileName): \(message) in: \(statement.prefix(200))", field: "migration",
                underlying: error)
        }
    }

    private func check(_ entries: [Entry]) throws {
        if let changed = entries.first(where: { $0.state == .changed }) {
            let file = migrations.first { $0.version == changed.version }?.fileName ?? "version \(changed.version)"
            throw DomainError(
                .conflict,
                "migration \(file) was changed after it was applied: applied checksum \(changed.appliedChecksum ?? "?"), file checksum \(changed.fileChecksum ?? "?")",
                field: file)
        }
        if let unknown = entries.first(where: { $0.state == .unknown }) {
            throw DomainError(
                .conflict,
                "the database has migration \(unknown.version) (\(unknown.name)) that this build does not know; use a newer build",
                field: "migration")
        }
    }

    private func locked<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await database.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                try await ensureHistory(connection)
                let result = try await body(connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func ensureHistory(_ connection: PostgresConnection) async throws {
        // Serialised by a transaction-level lock so two first runs do not race on CREATE TABLE.
        try await connection.withTransaction(logger: logger) { tx in
            try await tx.query("SELECT pg_advisory_xact_lock(\(Self.lockKey + 1))", logger: logger)
            try await tx.query(
                """
                CREATE TABLE IF NOT EXISTS crewplan_schema_history (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    execution_ms integer NOT NULL DEFAULT 0
                )
                """, logger: logger)
        }
    }

    private func appliedRows(_ connection: PostgresConnection) async throws -> [Int: (name: String, checksum: String, at: Date)] {
        var out: [Int: (name: String, checksum: String, at: Date)] = [:]
        let rows = try await connection.query(
            "SELECT version, name, checksum, applied_at FROM crewplan_schema_history ORDER BY version", logger: logger)
        for try await (version, name, checksum, at) in rows.decode((Int, String, String, Date).self) {
            out[version] = (name, checksum, at)
        }
        return out
    }

    private func entries(_ connection: PostgresConnection) async throws -> [Entry] {
        let applied = try await appliedRows(connection)
        var out = migrations.map { migration -> Entry in
            guard let row = applied[migration.version] else {
                return Entry(
                    version: migration.version, name: migration.name, state: .pending, fileChecksum: migration.checksum,
                    appliedChecksum: nil, appliedAt: nil)
            }
            return Entry(
                version: migration.version, name: migration.name,
                state: row.checksum == migration.checksum ? .applied : .changed, fileChecksum: migration.checksum,
                appliedChecksum: row.checksum, appliedAt: row.at)
        }
        let known = Set(migrations.map(\.version))
        for (version, row) in applied where !known.contains(version) {
            out.append(
                Entry(
                    version: version, name: row.name, state: .unknown, fileChecksum: nil, appliedChecksum: row.checksum,
                    appliedAt: row.at))
        }
        return out.sorted { $0.version < $1.version }
    }
}
