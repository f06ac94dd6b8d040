import Logging
import PostgresNIO

extension PostgresConnection {
    /// Every row of `query`, gathered on the connection's event loop and handed to the caller at once.
    ///
    /// The streaming `query(_:logger:)` hands rows over as they arrive, and PostgreSQL sends a result in
    /// pieces of about 8 KB: the reading task was woken, on another thread, for each piece (a planning
    /// week's 330 shifts: about thirteen wake-ups). For the reads a request answers with, bounded by a
    /// week or a page, one hand-over is cheaper; results of unbounded size keep the streaming form.
    package func gathered(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws -> [PostgresRow] {
        try await eventLoop.perform { () -> EventLoopFuture<PostgresQueryResult> in
            self.query(query, logger: logger, file: file, line: line)
        }.rows
    }

    /// Every row of `query` made into a value by `make` on the connection's event loop as the rows
    /// arrive (so making the first rows overlaps receiving the last), handed to the caller at once.
    package func gathered<Value: Sendable>(
        _ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line,
        _ make: @escaping @Sendable (inout RowReader) throws -> Value
    ) async throws -> [Value] {
        try await eventLoop.perform { self.gatheredOnLoop(query, logger: logger, file: file, line: line, make) }
    }

    /// ``gathered(_:logger:file:line:_:)`` for code already on the connection's event loop: the future of
    /// the made values. Queries chained this way (each one issued from the loop when the one it needs has
    /// completed) cost a round trip to PostgreSQL each, and not also a hand-over from the loop to the
    /// calling task and back: on two idle cores such a hand-over cost 100-250 us per query.
    package func gatheredOnLoop<Value: Sendable>(
        _ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line,
        _ make: @escaping @Sendable (inout RowReader) throws -> Value
    ) -> EventLoopFuture<[Value]> {
        eventLoop.preconditionInEventLoop()
        let made = Made<Value>()
        return self.query(query, logger: logger, file: file, line: line) { row in
            var reader = RowReader(row)
            try made.append(from: &reader, make)
        }.flatMapErrorThrowing { error in
            // The maker's throw makes postgres-nio cancel the query, and its own `queryCancelled` can reach
            // the query's future before the maker's error does (2 of 300 such queries while the whole
            // suite ran): the caller would get the cancellation instead of the reason, a 500 instead of
            // the problem the maker meant. What the maker threw is the cause; it is what we report.
            throw made.failure ?? error
        }.map { _ in made.values }
    }
}

/// The values made from a query's rows, or the maker's error. Unchecked: they are written only on the
/// connection's event loop, and read only once the query's future has completed there, which orders
/// every write before the read; no two threads ever touch them at once.
final class Made<Value>: @unchecked Sendable {
    var values: [Value] = []
    /// The maker's error, when it threw.
    var failure: (any Error)?

    /// Makes a value from one row and keeps it, or keeps the maker's error and throws it.
    func append(from reader: inout RowReader, _ make: (inout RowReader) throws -> Value) throws {
        do {
            values.append(try make(&reader))
        } catch {
            failure = error
            throw error
        }
    }
}

extension Array where Element == PostgresRow {
    /// Every row decoded as the tuple `columns` (inlinable for the reason given on
    /// `PostgresRowSequence.rows`).
    @inlinable
    package func rows<each Column: PostgresDecodable>(_ columns: (repeat each Column).Type) throws -> [(repeat each Column)] {
        var out: [(repeat each Column)] = []
        out.reserveCapacity(count)
        for row in self { out.append(try row.decode(columns)) }
        return out
    }
}
