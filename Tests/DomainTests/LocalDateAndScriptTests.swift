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

    /// Dates from remembered offsets agree with the zone's own answer for every instant, before the
    /// anchor, up to and across each transition, and long after, including zones whose offset
    /// changes by 30 minutes or whose standard offset changed in history.
    @Test func zoneDaysAgreeWithTheZoneAcrossTransitions() {
        var mismatches: [String] = []
        for zone in ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "Europe/Moscow", "UTC"] {
            let timeZone = TimeZone(identifier: zone)!
            for anchor in [Date(timeIntervalSince1970: 1_774_137_600), Date(timeIntervalSince1970: 1_290_000_000)] {
                let days = ZoneDays(timeZone, from: anchor)
                // Every 13 minutes from a week before the anchor to 400 days after it.
                for step in stride(from: -7 * 24 * 60, to: 400 * 24 * 60, by: 13) {
                    let instant = anchor.addingTimeInterval(Double(step) * 60)
                    if days.date(of: instant) != LocalDate(instant: instant, timeZone: timeZone) { mismatches.append("\(zone) \(instant)") }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
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

@Suite struct RFC3339Tests {
    @Test func readsWhatTheSpecificationAllowsAndNothingElse() {
        #expect(RFC3339.parse("2026-11-23T08:00:00Z") == Date(timeIntervalSince1970: 1_795_392_000 + 8 * 3_600))
        #expect(RFC3339.parse("2026-11-23T09:30:00+01:30") == RFC3339.parse("2026-11-23T08:00:00Z"))
        #expect(RFC3339.parse("2026-11-23T03:00:00-05:00") == RFC3339.parse("2026-11-23T08:00:00Z"))
        #expect(RFC3339.parse("2026-11-23t08:00:00.250z")?.timeIntervalSince1970 == 1_795_392_000 + 8 * 3_600 + 0.25)
        for bad in [
            "2026-11-23", "2026-11-23T08:00Z", "2026-11-23T24:00:00Z", "2026-11-23T08:60:00Z", "2026-02-30T08:00:00Z",
            "2026-11-23T08:00:00", "2026-11-23T08:00:00+0100", "2026-11-23T08:00:00.Z", "2026-11-23T08:00:00Zjunk", " 2026-11-23T08:00:00Z",
        ] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
    }

    /// Written exactly as Foundation's formatter writes them, and read back, across 600 years.
    @Test func agreesWithFoundationsFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let instant = Date(timeIntervalSince1970: Double(Int64.random(in: -8_000_000_000...10_000_000_000, using: &generator)))
            let text = formatter.string(from: instant)
            #expect(RFC3339.format(instant) == text)
            #expect(RFC3339.parse(text) == formatter.date(from: text))
        }
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1.2345), milliseconds: true) == "1970-01-01T00:00:01.234Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -0.5), milliseconds: true) == "1969-12-31T23:59:59.500Z")
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
