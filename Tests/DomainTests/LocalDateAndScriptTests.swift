import Domain
import Foundation
import Testing

@Suite struct LocalDateTests {
    @Test func parsesOnlyRealDates() {
        #expect(LocalDate("2026-11-25") == LocalDate(year: 2026, month: 11, day: 25))
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2028-02-29") != nil)
        #expect(LocalDate("2026-13-01") == nil)
        #expect(LocalDate("26-11-25") == nil)
        #expect(LocalDate("2026-11-25T00:00") == nil)
    }

    @Test func weeksStartOnMonday() {
        #expect(LocalDate("2026-11-25")!.mondayOfWeek == LocalDate("2026-11-23"))
        #expect(LocalDate("2026-11-29")!.mondayOfWeek == LocalDate("2026-11-23"))
        #expect(LocalDate("2026-11-23")!.isoWeekday == 1)
        #expect(LocalDate("2026-12-31")!.adding(days: 1) == LocalDate("2027-01-01"))
    }

    @Test func dayStartsAtLocalMidnightAcrossDST() {
        let paris = TimeZone(identifier: "Europe/Paris")!
        let sunday = LocalDate("2026-03-29")!.startInstant(in: paris)
        let monday = LocalDate("2026-03-30")!.startInstant(in: paris)
        #expect(monday.timeIntervalSince(sunday) == 23 * 3600)
    }
}

@Suite struct SQLScriptTests {
    @Test func splitsOnSemicolonsOutsideQuotesCommentsAndDollarBodies() {
        let script = """
            -- a comment; not a statement
            CREATE TABLE a (x text DEFAULT 'semi;colon');
            /* block; comment */ INSERT INTO a VALUES ('it''s; fine');
            CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;
            SELECT "odd;name" FROM a
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("DEFAULT 'semi;colon')"))
        #expect(statements[1].contains("'it''s; fine'"))
        #expect(statements[2].contains("RETURN 1; END; $body$"))
        #expect(statements[3] == "SELECT \"odd;name\" FROM a")
    }

    @Test func migrationFilesNeedBothPartsAndChecksumIgnoresLineEndings() throws {
        let unix = "-- migrate:up\nCREATE TABLE t (x int);\n-- migrate:down\nDROP TABLE t;\n"
        let windows = unix.replacingOccurrences(of: "\n", with: "\r\n")
        let a = try Migration(fileName: "0007_t.sql", contents: unix)
        let b = try Migration(fileName: "0007_t.sql", contents: windows)
        #expect(a.version == 7)
        #expect(a.name == "t")
        #expect(a.checksum == b.checksum)
        #expect(throws: DomainError.self) { try Migration(fileName: "0008_t.sql", contents: "CREATE TABLE t (x int);") }
        #expect(throws: DomainError.self) { try Migration(fileName: "t.sql", contents: unix) }
    }

    @Test func bundledMigrationsLoadInOrder() throws {
        let migrations = try Migration.bundled()
        #expect(!migrations.isEmpty)
        #expect(migrations.map(\.version) == migrations.map(\.version).sorted())
    }
}
