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
        // One task on the event loop sends the query; the rows come back with a single resumption.
        try await withUnsafeThrowingContinuation { continuation in
            eventLoop.execute {
                let result: EventLoopFuture<PostgresQueryResult> = self.query(query, logger: logger, file: file, line: line)
                result.whenComplete { continuation.resume(with: $0.map(\.rows)) }
            }
        }
    }
}

extension Array where Element == PostgresRow {
    /// Every row, made by `make` from its columns.
    package func all<Value>(_ make: (inout RowReader) throws -> Value) throws -> [Value] {
        var out: [Value] = []
        out.reserveCapacity(count)
        for row in self {
            var reader = RowReader(row)
            out.append(try make(&reader))
        }
        return out
    }

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
