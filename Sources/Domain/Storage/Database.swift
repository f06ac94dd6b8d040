import Foundation
import Logging
import Metrics
import PostgresNIO

/// The pooled PostgreSQL client the stores share. Run ``client`` (it is a `Service`) for the
/// lifetime of the process; use ``withRunning(_:logger:observers:_:)`` for short-lived tools.
public struct Database: Sendable {
    public let client: PostgresClient
    public let configuration: DatabaseConfiguration
    public let logger: Logger
    /// Told after every write to an organisation's data (caches invalidate themselves here).
    public var changeObservers: [any ChangeObserver] = []
    /// The named prepared statements of the pool's connections (the hot reads run as such).
    package let statements = PreparedStatements()
    let inUse: Gauge

    public init(configuration: DatabaseConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
        self.inUse = Gauge(label: "crewplan_db_pool_connections_in_use")
        Gauge(label: "crewplan_db_pool_connections_max").record(configuration.maximumConnections)
    }

    /// Runs `body` with a database whose pool runs for the duration of the call.
    @discardableResult
    public static func withRunning<T: Sendable>(
        _ configuration: DatabaseConfiguration, logger: Logger, observers: [any ChangeObserver] = [],
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        let database = {
            var database = Database(configuration: configuration, logger: logger)
            database.changeObservers = observers
            return database
        }()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            // The pool retries an unreachable server for a long time; a tool says so at once.
            try await database.ping(within: configuration.connectTimeout + .seconds(2))
            return try await body(database)
        }
    }

    private static let active = ManagedAtomicCounter()

    /// Leases a connection; the pool-usage gauge follows leases.
    @discardableResult
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        inUse.record(Self.active.add(1))
        defer { inUse.record(Self.active.add(-1)) }
        do {
            return try await client.withConnection { try await body($0) }
        } catch {
            throw Self.translate(error)
        }
    }

    /// Runs `body` in a transaction (committed when it returns, rolled back when it throws).
    @discardableResult
    public func withTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        inUse.record(Self.active.add(1))
        defer { inUse.record(Self.active.add(-1)) }
        do {
            return try await client.withConnection { connection in
                try await connection.withTransaction(logger: logger) { try await body($0) }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// A write to one organisation's data: observers hear of it once the write is done, before the
    /// caller gets the answer, so no reader that starts afterwards sees a cached old value. They hear
    /// of failed writes too (a lost commit acknowledgement may still have committed).
    @discardableResult
    public func withWrite<T: Sendable>(organizationID: UUID, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await notifying(organizationID) { try await withConnection(body) }
    }

    /// ``withWrite(organizationID:_:)`` in a transaction.
    @discardableResult
    public func withWriteTransaction<T: Sendable>(organizationID: UUID, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await notifying(organizationID) { try await withTransaction(body) }
    }

    private func notifying<T: Sendable>(_ organizationID: UUID, _ write: () async throws -> T) async throws -> T {
        let result: Result<T, any Error>
        do { result = .success(try await write()) } catch { result = .failure(error) }
        await didChange(organizationID: organizationID)
        return try result.get()
    }

    /// Tells the observers that an organisation's data changed (bulk tools call it once at the end).
    public func didChange(organizationID: UUID) async {
        for observer in changeObservers { await observer.organizationDidChange(organizationID) }
    }

    /// Checks that the server answers (readiness).
    public func ping() async throws {
        try await withConnection { try await $0.query("SELECT 1", logger: logger) }
    }

    /// Checks that the server answers within `deadline`; `unavailable` (naming the server) otherwise.
    public func ping(within deadline: Duration) async throws {
        let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await ping()
                return true
            }
            group.addTask {
                try await Task.sleep(for: deadline)
                return false
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        guard answered else {
            throw DomainError(.unavailable, "PostgreSQL at \(configuration.redactedURL) did not answer within \(deadline)")
        }
    }

    /// Maps PostgreSQL errors to domain errors: constraint failures become conflicts or invalid
    /// input, an unreachable server becomes `unavailable`; domain errors pass through.
    public static func translate(_ error: any Error) -> any Error {
        if error is DomainError { return error }
        if let error = error as? PostgresTransactionError {
            if let closure = error.closureError { return translate(closure) }
            if let begin = error.beginError { return translate(begin) }
            if let commit = error.commitError { return translate(commit) }
        }
        if let legacy = error as? PostgresError {
            // postgres-nio's prepared statements (PreparedQuery) report in this older form.
            switch legacy {
            case .server(let server):
                guard let state = server.fields[.sqlState] else { return legacy }
                return translate(state: state, message: server.fields[.message], detail: server.fields[.detail], constraint: server.fields[.constraintName], legacy)
            case .connectionClosed: return DomainError(.unavailable, "database unavailable", underlying: legacy)
            case .protocol: return legacy
            }
        }
        guard let psql = error as? PSQLError else { return error }
        if let state = psql.serverInfo?[.sqlState] {
            return translate(state: state, message: psql.serverInfo?[.message], detail: psql.serverInfo?[.detail], constraint: psql.serverInfo?[.constraintName], psql)
        }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed:
            return DomainError(.unavailable, "database unavailable", underlying: psql)
        default:
            return psql
        }
    }

    private static func translate(state: String, message: String?, detail: String?, constraint: String?, _ error: any Error) -> any Error {
        let detail = detail ?? message ?? ""
        switch state {
        case "23505": return DomainError(.conflict, "already exists: \(detail)", field: constraint, underlying: error)
        case "23503": return DomainError(.conflict, "still referenced or missing reference: \(detail)", field: constraint, underlying: error)
        case "23514", "22P02", "22007", "22008", "22003", "22001":
            return DomainError(.invalidInput, message ?? "invalid value", field: constraint, underlying: error)
        default: return error
        }
    }

    /// The SQLSTATE of a PostgreSQL server error, in either of postgres-nio's forms.
    static func sqlState(of error: any Error) -> String? {
        switch error {
        case let psql as PSQLError: psql.serverInfo?[.sqlState]
        case PostgresError.server(let server): server.fields[.sqlState]
        case let domain as DomainError: domain.underlying.flatMap(sqlState(of:))
        default: nil
        }
    }
}

/// Hears of writes to an organisation's data. Must not throw: a write that succeeded stays a success.
public protocol ChangeObserver: Sendable {
    func organizationDidChange(_ organizationID: UUID) async
}

/// A process-wide counter (lease gauge). A lock is enough here: it is touched once per lease.
final class ManagedAtomicCounter: Sendable {
    private let value = NIOLockedValueBox(0)
    func add(_ delta: Int) -> Int { value.withLockedValue { $0 += delta; return $0 } }
}

import NIOConcurrencyHelpers
