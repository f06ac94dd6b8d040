import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// The named prepared statements each pooled connection holds, by SQL text.
///
/// An unnamed statement is parsed and planned by PostgreSQL on every execution: for the planning
/// week's reads (then four statements) that was about half a millisecond of the server's work per
/// week (pgbench: 1.6-2.0 ms as unnamed statements, 1.0-1.4 ms prepared). A read run here is
/// prepared on a connection the first time that connection runs its SQL (one more round trip), then
/// only bound and executed; after five runs PostgreSQL may run it on one plan made for any values,
/// so such a read must be written for that plan to be right for any organisation (`WeekRead`, the
/// one read run this way now). postgres-nio prepares statements itself only through its async row sequences,
/// which hand each read over to the calling task; these stay on the connection's event loop and
/// chain as ``PostgresConnection/gatheredOnLoop(_:logger:file:line:_:)`` reads do.
///
/// A connection keeps at most ``perConnection`` statements (reads past that run unnamed), and the
/// statements of connections that closed are dropped as new connections come.
package final class PreparedStatements: Sendable {
    /// The statements one connection may hold; the reads run this way are a fixed, small set.
    package static let perConnection = 32

    private struct Held: Sendable {
        weak var connection: PostgresConnection?
        var statements: [String: PreparedQuery] = [:]
    }

    private let held = NIOLockedValueBox([PostgresConnection.ID: Held]())

    package init() {}

    /// How many statements `connection` holds (tests read it).
    package func count(on connection: PostgresConnection) -> Int {
        held.withLockedValue { $0[connection.id].flatMap { $0.connection === connection ? $0.statements.count : nil } ?? 0 }
    }

    /// Every row of `read` made into a value by `make` on the connection's event loop, as a prepared
    /// statement of that connection. A statement PostgreSQL no longer knows, or whose result type
    /// changed under it (a migration altered a column it reads), is prepared again once.
    package func gatheredOnLoop<Value: Sendable>(
        _ read: PreparedRead, on connection: PostgresConnection, logger: Logger,
        _ make: @escaping @Sendable (inout RowReader) throws -> Value
    ) -> EventLoopFuture<[Value]> {
        connection.eventLoop.preconditionInEventLoop()
        guard let statement = statement(read.sql, on: connection) else {
            return prepareAndRun(read, on: connection, logger: logger, make)
        }
        return Self.run(statement, read, on: connection, make).flatMapError { error in
            guard Self.isStale(error) else { return connection.eventLoop.makeFailedFuture(error) }
            self.forget(read.sql, on: connection)
            return self.prepareAndRun(read, on: connection, logger: logger, make)
        }
    }

    private func prepareAndRun<Value: Sendable>(
        _ read: PreparedRead, on connection: PostgresConnection, logger: Logger,
        _ make: @escaping @Sendable (inout RowReader) throws -> Value
    ) -> EventLoopFuture<[Value]> {
        guard hasRoom(on: connection) else { return connection.gatheredOnLoop(read.query, logger: logger, make) }
        return connection.prepare(query: read.sql)
            .flatMapErrorThrowing { throw Database.translate($0) }
            .flatMap { statement in
                self.keep(statement, for: read.sql, on: connection)
                return Self.run(statement, read, on: connection, make)
            }
    }

    private static func run<Value: Sendable>(
        _ statement: PreparedQuery, _ read: PreparedRead, on connection: PostgresConnection,
        _ make: @escaping @Sendable (inout RowReader) throws -> Value
    ) -> EventLoopFuture<[Value]> {
        let made = Made<Value>()
        return statement.execute(read.binds) { row in
            var reader = RowReader(preparedRow: row)
            try made.append(from: &reader, make)
        }.flatMapErrorThrowing { error in
            // As in gatheredOnLoop: what the maker threw is the cause, whatever the driver reports.
            if let failure = made.failure { throw failure }
            // PreparedQuery reports a lost connection in several older forms; the pool's view is plain.
            if connection.isClosed { throw DomainError(.unavailable, "database unavailable", underlying: error) }
            throw Database.translate(error)
        }.map { made.values }
    }

    /// PostgreSQL's answer for a statement it does not hold (26000), or whose plan would now return
    /// another row type (0A000, "cached plan must not change result type").
    private static func isStale(_ error: any Error) -> Bool {
        guard let state = Database.sqlState(of: error) else { return false }
        return state == "26000" || state == "0A000"
    }

    private func statement(_ sql: String, on connection: PostgresConnection) -> PreparedQuery? {
        held.withLockedValue { held in
            guard let entry = held[connection.id], entry.connection === connection else { return nil }
            return entry.statements[sql]
        }
    }

    private func hasRoom(on connection: PostgresConnection) -> Bool {
        held.withLockedValue { held in
            guard let entry = held[connection.id], entry.connection === connection else { return true }
            return entry.statements.count < Self.perConnection
        }
    }

    private func keep(_ statement: PreparedQuery, for sql: String, on connection: PostgresConnection) {
        held.withLockedValue { held in
            if held[connection.id]?.connection !== connection {
                // A connection seen for the first time: drop what closed connections held.
                held = held.filter { _, entry in entry.connection.map { !$0.isClosed } ?? false }
                held[connection.id] = Held(connection: connection)
            }
            held[connection.id]!.statements[sql] = statement
        }
    }

    private func forget(_ sql: String, on connection: PostgresConnection) {
        _ = held.withLockedValue { $0[connection.id]?.statements.removeValue(forKey: sql) }
    }
}
