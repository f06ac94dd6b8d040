import Foundation

/// RFC 3339 instants (`2026-11-23T08:00:00Z`, `2026-11-23T09:00:00.250+01:00`) read and written by
/// integer arithmetic: Foundation's ISO 8601 formatters cost tens of microseconds to build and were
/// built on every query parameter, body date and log line.
public enum RFC3339 {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`; nil for anything else or an
    /// impossible date or time.
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let date = LocalDate(bytes: b),
            let hour = digits(b, 11, 2), let minute = digits(b, 14, 2), let second = digits(b, 17, 2),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if b[index] == UInt8(ascii: ".") {
            var scale = 0.1
            index += 1
            let start = index
            while index < b.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[index]) {
                fraction += Double(b[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > start, index - start <= 9 else { return nil }
        }
        var offset = 0
        guard index < b.count else { return nil }
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == b.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == b.count, b[index + 3] == UInt8(ascii: ":"), let h = digits(b, index + 1, 2), let m = digits(b, index + 4, 2), h < 24, m < 60
            else { return nil }
            offset = (h * 60 + m) * 60 * (b[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3_600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC, whole seconds (as `JSONEncoder`'s `.iso8601` writes them), or
    /// with `milliseconds` three more digits.
    public static func format(_ date: Date, milliseconds: Bool = false) -> String {
        let (day, inDay, whole) = split(date)
        var text = day.description
        text += "T" + two(inDay / 3_600) + ":" + two(inDay / 60 % 60) + ":" + two(inDay % 60)
        if milliseconds {
            let millis = min(999, Int(((date.timeIntervalSince1970 - Double(whole)) * 1_000).rounded(.down)))
            text += "." + (millis < 100 ? "0" : "") + (millis < 10 ? "0" : "") + String(millis)
        }
        return text + "Z"
    }

    /// The UTC day of an instant, the whole seconds into it, and the whole seconds since 1970.
    static func split(_ date: Date) -> (day: LocalDate, secondsInDay: Int, whole: Int) {
        let whole = Int(date.timeIntervalSince1970.rounded(.down))
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        return (LocalDate(daysSinceEpoch: days), whole - days * 86_400, whole)
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

    static func digits(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<start + count] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
