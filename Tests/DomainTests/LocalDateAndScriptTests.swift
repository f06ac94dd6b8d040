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
        #expect(LocalDate("2026-1a-25") == nil)
        #expect(LocalDate("2026-04-31") == nil)
        #expect(LocalDate("1900-02-29") == nil)
        #expect(LocalDate("2000-02-29") != nil)
    }

    @Test func weeksStartOnMonday() {
        #expect(LocalDate("2026-11-25")!.mondayOfWeek == LocalDate("2026-11-23"))
        #expect(LocalDate("2026-11-29")!.mondayOfWeek == LocalDate("2026-11-23"))
        #expect(LocalDate("2026-11-23")!.isoWeekday == 1)
        #expect(LocalDate("2026-12-31")!.adding(days: 1) == LocalDate("2027-01-01"))
    }

    /// The integer arithmetic agrees with Foundation's Gregorian calendar on every day from 1700 to
    /// 2400 (dates, weekdays, differences), and on local dates of instants across DST changes.
    @Test func integerArithmeticAgreesWithTheGregorianCalendar() {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let start = utc.date(from: DateComponents(year: 1700, month: 1, day: 1))!
        let first = LocalDate(year: 1700, month: 1, day: 1)
        var mismatches: [String] = []
        for offset in stride(from: 0, to: 255_000, by: 1) {
            let instant = start.addingTimeInterval(Double(offset) * 86_400)
            let parts = utc.dateComponents([.year, .month, .day, .weekday], from: instant)
            let date = first.adding(days: offset)
            let isoWeekday = parts.weekday! == 1 ? 7 : parts.weekday! - 1
            if date != LocalDate(year: parts.year!, month: parts.month!, day: parts.day!) || date.isoWeekday != isoWeekday
                || first.days(to: date) != offset || LocalDate(date.description) != date
            {
                mismatches.append(date.description)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(LocalDate(daysSinceEpoch: 0) == LocalDate(year: 1970, month: 1, day: 1))
        #expect(LocalDate(year: 1969, month: 12, day: 31).daysSinceEpoch == -1)

        for zone in ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns"] {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone)!
            // Every 17 minutes through 2026: both DST changes of the zones that have them.
            for step in stride(from: 0, to: 366 * 24 * 60, by: 17) {
                let instant = Date(timeIntervalSince1970: 1_767_225_600 + Double(step) * 60)
                let parts = calendar.dateComponents([.year, .month, .day], from: instant)
                let expected = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)
                if LocalDate(instant: instant, timeZone: calendar.timeZone) != expected { mismatches.append("\(zone) \(instant)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
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
