import CrewplanTestSupport
import Domain
import Foundation
import PostgresNIO
import Testing

/// `RowReader`'s direct reads of binary columns give what postgres-nio's own decoders give, and fall
/// back to them (values and errors alike) for every other type.
@Suite struct RowReaderTests {
    @Test func directReadsAgreeWithPostgresNIOsDecoders() async throws {
        let db = try await TestEnvironment.database()
        let id = UUID()
        let values: PostgresQuery = """
            SELECT \(id)::uuid, NULL::uuid, \(id)::uuid, t, 2147483647::int4, (-2147483648)::int4, (-9223372036854775807)::int8,
                   42::int2, 'caf\u{e9} "<x>"'::text, 'v'::varchar, ''::text
            FROM unnest(ARRAY['2026-11-30 08:00:00.123456+00', '1900-01-01 00:00:00.5+00', '2000-01-01 00:00:00+00',
                              '1999-12-31 23:59:59.999999+00']::timestamptz[]) AS t
            """
        let rows = try await db.withConnection { c in
            try await c.query(values, logger: db.logger).all { r -> [String] in
                let direct: [Any] = [
                    try r.next(UUID.self), try r.next(UUID?.self) as Any, try r.next(UUID?.self) as Any, try r.next(Date.self),
                    try r.next(Int.self), try r.next(Int.self), try r.next(Int.self), try r.next(Int.self), try r.next(String.self),
                    try r.next(String.self), try r.next(String.self),
                ]
                return direct.map { "\($0)" }
            }
        }
        let reference = try await db.withConnection { c in
            try await c.query(values, logger: db.logger).collect().map { row -> [String] in
                let (a, b, c, d, e, f, g, h, i, j, k) = try row.decode((UUID, UUID?, UUID?, Date, Int, Int, Int, Int, String, String, String).self)
                let columns: [Any] = [a, b as Any, c as Any, d, e, f, g, h, i, j, k]
                return columns.map { "\($0)" }
            }
        }
        #expect(rows.count == 4)
        #expect(rows == reference)
        // Exactly the same instants, to the bit.
        let instantsQuery: PostgresQuery = "SELECT '2026-11-30 08:00:00.123457+00'::timestamptz, '1900-01-01 00:00:00.5+00'::timestamptz"
        let instants = try await db.withConnection { c in
            try await c.query(instantsQuery, logger: db.logger)
                .all { r in [try r.next(Date.self), try r.next(Date.self)] }
        }
        let decoded = try await db.withConnection { c in
            try await c.query(instantsQuery, logger: db.logger)
                .collect().map { row in try row.decode((Date, Date).self) }
        }
        #expect(instants.first?.map(\.timeIntervalSinceReferenceDate.bitPattern) == decoded.first.map { [$0.0, $0.1].map(\.timeIntervalSinceReferenceDate.bitPattern) })
    }

    @Test func aColumnOfAnotherTypeIsRefusedAsPostgresNIORefusesIt() async throws {
        let db = try await TestEnvironment.database()
        await #expect(throws: PostgresDecodingError.self) {
            _ = try await db.withConnection { c in
                try await c.query("SELECT 'not a uuid'::text", logger: db.logger).all { r in try r.next(UUID.self) }
            }
        }
        await #expect(throws: PostgresDecodingError.self) {
            _ = try await db.withConnection { c in
                try await c.query("SELECT now()", logger: db.logger).all { r in try r.next(Int.self) }
            }
        }
        await #expect(throws: DomainError.self) {
            _ = try await db.withConnection { c in
                try await c.query("SELECT 1::int4", logger: db.logger).all { r in (try r.next(Int.self), try r.next(Int.self)) }
            }
        }
    }

    /// A result gathered on the event loop is the streamed one, row for row, across the many pieces
    /// PostgreSQL sends a large result in; a failing query fails with postgres-nio's own error.
    @Test func gatheredRowsAreTheStreamedRows() async throws {
        let db = try await TestEnvironment.database()
        let query: PostgresQuery = "SELECT n, md5(n::text), gen_random_uuid() FROM generate_series(1, 5000) AS n ORDER BY n"
        let (streamed, gathered) = try await db.withConnection { c in
            let streamed = try await c.query(query, logger: db.logger).all { r in [String(try r.next(Int.self)), try r.next(String.self)] }
            let gathered = try await c.gathered(query, logger: db.logger) { r in
                let row = [String(try r.next(Int.self)), try r.next(String.self)]
                _ = try r.next(UUID.self)
                return row
            }
            return (streamed, gathered)
        }
        #expect(gathered.count == 5000)
        #expect(gathered == streamed)
        let tuples = try await db.withConnection { c in try await c.gathered("SELECT 1::int8, 'a'::text", logger: db.logger).rows((Int, String).self) }
        #expect(tuples.count == 1 && tuples[0].0 == 1 && tuples[0].1 == "a")
        // A value that cannot be made fails the query with the maker's error, and the connection lives on.
        await #expect(throws: DomainError.self) {
            try await db.withConnection { c in
                try await c.gathered("SELECT n FROM generate_series(1, 3000) AS n", logger: db.logger) { r -> Int in
                    let n = try r.next(Int.self)
                    if n == 2500 { throw DomainError(.invalidInput, "row 2500") }
                    return n
                }
            }
        }
        await #expect(throws: PSQLError.self) {
            try await db.withConnection { c in try await c.gathered("SELECT 1 / (n - 3) FROM generate_series(1, 5) AS n", logger: db.logger) }
        }
        // The connection answers again after the error.
        #expect(try await db.withConnection { c in try await c.gathered("SELECT 7::int8", logger: db.logger).rows(Int.self) }.count == 1)
    }

    /// The fields of a row value (`ROW(...)`, how the week reads its shifts) are the values the same
    /// expressions give as columns; a field of another type, a NULL where a value is needed and a
    /// missing field are errors of the read, not crashes.
    @Test func rowValueFieldsAreTheColumnsTheyHold() async throws {
        let db = try await TestEnvironment.database()
        let id = UUID()
        let columnSQL = """
            '\(id.uuidString)'::uuid, t, 2147483647::int4, (-9223372036854775807)::int8, 'caf\u{e9} "<x>", (1)'::text, 'v'::varchar, ''::text,
            t > '1950-01-01', CASE WHEN t > '1950-01-01' THEN '\(id.uuidString)'::uuid END
            """
        func query(_ select: String) -> PostgresQuery {
            PostgresQuery(unsafeSQL: """
                SELECT \(select) FROM unnest(ARRAY['2026-11-30 08:00:00.123456+00', '1900-01-01 00:00:00.5+00',
                    '1999-12-31 23:59:59.999999+00']::timestamptz[]) AS t
                """)
        }
        let read = { (r: inout RowReader) throws -> String in
            "\(try r.next(UUID.self)) \(try r.next(Date.self).timeIntervalSinceReferenceDate.bitPattern) \(try r.next(Int.self)) "
                + "\(try r.next(Int.self)) \(try r.next(String.self)) \(try r.next(String.self)) [\(try r.next(String.self))] "
                + "\(try r.next(Bool.self)) \(String(describing: try r.next(UUID?.self)))"
        }
        let columns = try await db.withConnection { c in try await c.query(query(columnSQL), logger: db.logger).all(read) }
        let fields = try await db.withConnection { c in
            try await c.query(query("ROW(\(columnSQL))"), logger: db.logger).all { r -> String in
                try r.record { f in
                    "\(try f.next(UUID.self)) \(try f.next(Date.self).timeIntervalSinceReferenceDate.bitPattern) \(try f.next(Int.self)) "
                        + "\(try f.next(Int.self)) \(try f.next(String.self)) \(try f.next(String.self)) [\(try f.next(String.self))] "
                        + "\(try f.next(Bool.self)) \(String(describing: try f.next(UUID?.self)))"
                }
            }
        }
        #expect(columns.count == 3)
        #expect(fields == columns)
        // Both values of a boolean and a NULL uuid among the rows compared.
        #expect(columns.filter { $0.hasSuffix("false nil") }.count == 1)
        #expect(columns.filter { $0.hasSuffix("true Optional(\(id))") }.count == 2)

        for (sql, what) in [
            ("ROW('x'::text, 1::int4)", "text where a uuid is read"),
            ("ROW(NULL::uuid, 1::int4)", "NULL where a uuid is read"),
            ("ROW(gen_random_uuid())", "one field where two are read"),
            ("ROW(gen_random_uuid(), true)", "a boolean where an integer is read"),
        ] {
            await #expect(throws: DomainError.self, "\(what)") {
                _ = try await db.withConnection { c in
                    try await c.query(PostgresQuery(unsafeSQL: "SELECT \(sql)"), logger: db.logger).all { r -> (UUID, Int) in
                        try r.record { f in (try f.next(UUID.self), try f.next(Int.self)) }
                    }
                }
            }
        }
        // A boolean read from a field of another type.
        await #expect(throws: DomainError.self) {
            _ = try await db.withConnection { c in
                try await c.query("SELECT ROW(1::int4)", logger: db.logger).all { r in try r.record { try $0.next(Bool.self) } }
            }
        }
        // A column that is not a row value is refused by the row value reader.
        await #expect(throws: DomainError.self) {
            _ = try await db.withConnection { c in try await c.query("SELECT 'plain'::text", logger: db.logger).all { r in try r.record { _ in 0 } } }
        }
    }

    /// An array of row values (how the week reads each employee's shifts) holds the row values the
    /// same rows give one by one, in order; an empty or NULL array holds none. Another shape (two
    /// dimensions, a NULL element, an array of another type) is an error of the read, not a crash.
    @Test func arraysOfRowValuesHoldTheirRowsInOrder() async throws {
        let db = try await TestEnvironment.database()
        let rowSQL = "ROW(md5(n::text)::uuid, n::int4, repeat('x', n % 7), '2026-11-30'::timestamptz + n * interval '1 hour')"
        let read = { (f: inout RecordReader) throws -> String in
            "\(try f.next(UUID.self)) \(try f.next(Int.self)) \(try f.next(String.self)) \(try f.next(Date.self).timeIntervalSince1970)"
        }
        let one = try await db.withConnection { c in
            try await c.query(PostgresQuery(unsafeSQL: "SELECT \(rowSQL) FROM generate_series(1, 300) AS n ORDER BY n"), logger: db.logger)
                .all { r in try r.record(read) }
        }
        let arrays = try await db.withConnection { c in
            try await c.query(
                PostgresQuery(unsafeSQL: """
                    SELECT ARRAY(SELECT \(rowSQL) FROM generate_series(1, 300) AS n ORDER BY n), ARRAY(SELECT ROW(1) WHERE false),
                           NULL::record[]
                    """), logger: db.logger
            ).all { r in (try r.records(read), try r.records(read), try r.records(read)) }
        }
        #expect(one.count == 300)
        #expect(arrays.count == 1)
        #expect(arrays.first?.0 == one)
        #expect(arrays.first?.1.isEmpty == true)
        #expect(arrays.first?.2.isEmpty == true)

        for (sql, what) in [
            ("ARRAY[[ROW(1), ROW(2)], [ROW(3), ROW(4)]]", "two dimensions"),
            ("ARRAY[ROW(1), NULL]", "a NULL element"),
            ("ARRAY[1, 2]::int4[]", "an array of integers"),
            ("ROW(1)", "a row value"),
            ("ARRAY[ROW('x'::text)]", "text where an integer is read"),
        ] {
            await #expect(throws: DomainError.self, "\(what)") {
                _ = try await db.withConnection { c in
                    try await c.query(PostgresQuery(unsafeSQL: "SELECT \(sql)"), logger: db.logger).all { r in
                        try r.records { try $0.next(Int.self) }
                    }
                }
            }
        }
    }
}
