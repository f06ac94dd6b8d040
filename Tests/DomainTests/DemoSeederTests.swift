import CrewplanTestSupport
import Domain
import Foundation
import PostgresNIO
import Testing

/// Demo and load seeding against a real PostgreSQL.
@Suite struct DemoSeederTests {
    /// A bulk load leaves the planner the statistics of its rows at once (the load run measures right
    /// after seeding; autovacuum would come a minute or more later): the seeded tables are analyzed by
    /// the seed itself, and the organisation's shifts are counted in `pg_class`.
    @Test func aSeedLeavesThePlannerTheStatisticsOfItsRows() async throws {
        let db = try await TestEnvironment.database()
        let slug = "stats-\(UUID().uuidString.prefix(8).lowercased())"
        let before = try await db.withConnection { c in
            try await c.query("SELECT now()", logger: db.logger).decode(Date.self).collect().first!
        }
        let seeded = try await DemoSeeder(database: db).seed(.init(slug: slug, employees: 30, weeks: 2, firstWeek: LocalDate("2026-11-23")!))
        #expect(seeded.shifts > 0)
        let tables = try await db.withConnection { c in
            try await c.query(
                """
                SELECT s.relname::text, s.last_analyze, c.reltuples::float8
                FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
                WHERE s.relname IN ('employees', 'missions', 'shifts') ORDER BY s.relname
                """, logger: db.logger
            ).decode((String, Date?, Double).self).collect()
        }
        #expect(tables.map(\.0) == ["employees", "missions", "shifts"])
        for (table, analyzed, _) in tables {
            #expect(analyzed.map { $0 >= before } == true, "\(table) was not analyzed by the seed")
        }
        #expect((tables.last?.2 ?? 0) >= Double(seeded.shifts))
        try await db.withConnection { c in
            _ = try await c.query("DELETE FROM organizations WHERE id = \(seeded.organization.id)", logger: db.logger).collect()
        }
    }
}
