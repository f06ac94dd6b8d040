import CrewplanTestSupport
import Domain
import Foundation
import NIOCore
import PostgresNIO
import Testing

/// Reads run as named prepared statements give what the same SQL gives unnamed, keep one statement
/// per connection and SQL text, survive PostgreSQL dropping or invalidating it, and report errors as
/// the unnamed reads do.
@Suite struct PreparedStatementsTests {
    private func read<Value: Sendable>(
        _ db: Database, _ sql: PreparedRead, on c: PostgresConnection, _ make: @escaping @Sendable (inout RowReader) throws -> Value
    ) async throws -> [Value] {
        try await c.eventLoop.flatSubmit { db.statements.gatheredOnLoop(sql, on: c, logger: db.logger, make) }.get()
    }

    @Test func aPreparedReadGivesTheUnnamedRowsAndIsPreparedOncePerConnection() async throws {
        let db = try await TestEnvironment.database()
        let id = UUID()
        let since = Date(timeIntervalSince1970: 1_764_000_000.25)
        let sql: PreparedRead = """
            SELECT n, \(id)::uuid, \(since)::timestamptz + make_interval(mins => n::int4), 'caf\u{e9} ' || n, CASE WHEN n % 2 = 0 THEN \(id) END
            FROM generate_series(1, \(3000)) AS n WHERE n > \(10) ORDER BY n
            """
        #expect(sql.binds.count == 5)
        #expect(sql.sql.contains("$1::UUID::uuid") && sql.sql.contains("$2::TIMESTAMPTZ") && sql.sql.contains("THEN $3::UUID END"))
        #expect(sql.sql.contains("$5::BIGINT") && !sql.sql.contains("$6"))
        let make: @Sendable (inout RowReader) throws -> String = { r in
            "\(try r.next(Int.self))|\(try r.next(UUID.self))|\(try r.next(Date.self).timeIntervalSince1970)|\(try r.next(String.self))|\(String(describing: try r.next(UUID?.self)))"
        }
        // The pool is shared with the other tests, whose reads may already be prepared on this connection:
        // what this read adds is counted.
        let (first, second, unnamed, held) = try await db.withConnection { c in
            let before = db.statements.count(on: c)
            let first = try await read(db, sql, on: c, make)
            let second = try await read(db, sql, on: c, make)
            let unnamed = try await c.gathered(sql.query, logger: db.logger, make)
            return (first, second, unnamed, db.statements.count(on: c) - before)
        }
        #expect(first.count == 2990)
        #expect(first.first == "11|\(id)|\(since.timeIntervalSince1970 + 660)|caf\u{e9} 11|nil")
        #expect(first == unnamed)
        #expect(second == first)
        #expect(held == 1)
        // The statement is a named one of this connection's session.
        let named = try await db.withConnection { c in
            let before = try await c.gathered("SELECT count(*)::int8 FROM pg_prepared_statements", logger: db.logger).rows(Int.self).first ?? 0
            _ = try await read(db, "SELECT \(7)::int8 + 0 * length(\(UUID())::uuid::text)", on: c) { r in try r.next(Int.self) }
            let after = try await c.gathered("SELECT count(*)::int8 FROM pg_prepared_statements", logger: db.logger).rows(Int.self).first ?? 0
            return (before, after)
        }
        #expect(named.1 == named.0 + 1)
    }

    /// The sessions keep PostgreSQL's default: after five runs planned for their own values, a prepared
    /// read runs on one plan made for any values when that costs no more (the planning week's read,
    /// whose generic plan `PlanningWeekReadTests` checks, saves its planning so on every run).
    @Test func aPreparedReadRunsOnOnePlanAfterFiveRuns() async throws {
        let db = try await TestEnvironment.database()
        let marker = "plan_probe_\(UUID().uuidString.prefix(8).lowercased())"
        let plans = try await db.withConnection { c in
            for n in 1...8 {
                // A read whose plan does not depend on its value.
                let sql: PreparedRead = "SELECT \(n) + 0 AS \(unescaped: marker)"
                #expect(try await read(db, sql, on: c) { r in try r.next(Int.self) } == [n])
            }
            return try await c.gathered(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE \("%" + marker + "%")",
                logger: db.logger
            ).rows((Int, Int).self)
        }
        #expect(plans.count == 1)
        #expect(plans.first?.1 == 5)
        #expect(plans.first?.0 == 3)
    }

    @Test func aStatementPostgreSQLDroppedOrInvalidatedIsPreparedAgain() async throws {
        let db = try await TestEnvironment.database()
        let values = try await db.withConnection { c in
            _ = try await c.gathered("CREATE TEMP TABLE IF NOT EXISTS prepared_probe (a int4)", logger: db.logger)
            _ = try await c.gathered("TRUNCATE prepared_probe", logger: db.logger)
            _ = try await c.gathered("INSERT INTO prepared_probe VALUES (41)", logger: db.logger)
            let sql: PreparedRead = "SELECT a FROM prepared_probe WHERE a > \(0)"
            var seen = [try await read(db, sql, on: c) { r in try r.next(Int.self) }]
            // The session forgets every statement: the next read prepares its own again.
            _ = try await c.gathered("DEALLOCATE ALL", logger: db.logger)
            seen.append(try await read(db, sql, on: c) { r in try r.next(Int.self) })
            // The column read changes type (a migration): the old plan's row type is refused (0A000).
            _ = try await c.gathered("ALTER TABLE prepared_probe ALTER COLUMN a TYPE int8", logger: db.logger)
            _ = try await c.gathered("UPDATE prepared_probe SET a = 5000000000", logger: db.logger)
            seen.append(try await read(db, sql, on: c) { r in try r.next(Int.self) })
            _ = try await c.gathered("DROP TABLE prepared_probe", logger: db.logger)
            return seen
        }
        #expect(values == [[41], [41], [5_000_000_000]])
    }

    @Test func errorsAreReportedAsUnnamedReadsReportThem() async throws {
        let db = try await TestEnvironment.database()
        // A value PostgreSQL refuses is bad input, as from any other read.
        await #expect {
            try await db.withConnection { c in try await read(db, "SELECT \("not a number")::int4", on: c) { r in try r.next(Int.self) } }
        } throws: { error in
            (error as? DomainError)?.code == .invalidInput
        }
        // What the maker throws is what the caller gets, and the connection answers again.
        let made = try await db.withConnection { c -> [Int] in
            await #expect(throws: DomainError.self) {
                try await read(db, "SELECT n FROM generate_series(1, \(3000)) AS n", on: c) { r -> Int in
                    let n = try r.next(Int.self)
                    if n == 2500 { throw DomainError(.conflict, "row 2500") }
                    return n
                }
            }
            return try await read(db, "SELECT n FROM generate_series(1, \(3)) AS n", on: c) { r in try r.next(Int.self) }
        }
        #expect(made == [1, 2, 3])
        // SQL that does not parse fails, and is not kept.
        let held = try await db.withConnection { c in
            let before = db.statements.count(on: c)
            await #expect(throws: (any Error).self) {
                try await read(db, "SELEC \(1)", on: c) { r in try r.next(Int.self) }
            }
            return (before, db.statements.count(on: c))
        }
        #expect(held.0 == held.1)
    }

    @Test func aConnectionHoldsABoundedNumberOfStatements() async throws {
        // A pool of its own, closed afterwards: a shared pooled connection left holding the maximum would
        // prepare nothing more for the other tests here, which count the statements they add (one of
        // them failed so when both ran at once).
        let (values, held) = try await Database.withRunning(TestEnvironment.databaseConfiguration, logger: TestEnvironment.logger) { db in
            try await db.withConnection { c in
                var values: [Int] = []
                for n in 0..<(PreparedStatements.perConnection + 5) {
                    values += try await read(db, "SELECT \(n)::int8 + \(unescaped: String(n)) * 0", on: c) { r in try r.next(Int.self) }
                }
                return (values, db.statements.count(on: c))
            }
        }
        #expect(values == Array(0..<(PreparedStatements.perConnection + 5)))
        #expect(held == PreparedStatements.perConnection)
    }
}
