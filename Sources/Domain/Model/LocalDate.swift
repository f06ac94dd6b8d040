import Foundation

/// A calendar date without a time or a zone (`YYYY-MM-DD` on the wire, `date` in PostgreSQL).
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`, refusing impossible dates such as `2026-02-30`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), d >= 1
        else { return nil }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        guard let first = utc.date(from: DateComponents(year: y, month: m, day: 1)),
            let range = utc.range(of: .day, in: .month, for: first), range.contains(d)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        let y = String(year)
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(m)-\(d)"
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected a date as YYYY-MM-DD, got '\(text)'"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The date `days` later (negative for earlier).
    public func adding(days: Int) -> LocalDate {
        let utc = Self.utcCalendar
        let start = utc.date(from: DateComponents(year: year, month: month, day: day))!
        let moved = utc.date(byAdding: .day, value: days, to: start)!
        return LocalDate(instant: moved, in: utc)
    }

    /// The ISO weekday, 1 = Monday ... 7 = Sunday.
    public var isoWeekday: Int {
        let utc = Self.utcCalendar
        let start = utc.date(from: DateComponents(year: year, month: month, day: day))!
        let weekday = utc.component(.weekday, from: start)  // 1 = Sunday in the Gregorian calendar
        return weekday == 1 ? 7 : weekday - 1
    }

    /// The Monday that starts this date's ISO week.
    public var mondayOfWeek: LocalDate { adding(days: 1 - isoWeekday) }

    /// The instant this date starts at in `timeZone` (handles DST: the first instant of the local day).
    public func startInstant(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.startOfDay(for: calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!)
    }

    /// The local date of an instant in the calendar's time zone.
    public init(instant: Date, in calendar: Calendar) {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// The local date of an instant in a time zone.
    public init(instant: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.init(instant: instant, in: calendar)
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(to other: LocalDate) -> Int {
        let utc = Self.utcCalendar
        let a = utc.date(from: DateComponents(year: year, month: month, day: day))!
        let b = utc.date(from: DateComponents(year: other.year, month: other.month, day: other.day))!
        return utc.dateComponents([.day], from: a, to: b).day!
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
