import Foundation

/// Dates, times, weekdays, numbers, money and durations as each language writes them, in the
/// organisation's time zone. Written out rather than taken from the platform's locale data, so
/// every platform (Linux, Windows, macOS) prints the same text.
public struct LocaleFormat: Sendable {
    public let language: Language
    public let timeZone: TimeZone

    public init(language: Language, timeZone: TimeZone) {
        self.language = language
        self.timeZone = timeZone
    }

    /// French groups thousands with a no-break space so a figure never wraps.
    static let noBreakSpace = "\u{00A0}"

    static let weekdays: [Language: [String]] = [
        .en: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        .fr: ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    ]
    static let shortWeekdays: [Language: [String]] = [
        .en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        .fr: ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
    ]

    /// `25/11/2026` (fr), `11/25/2026` (en).
    public func date(_ day: LocalDate) -> String {
        let d = Self.pad(day.day), m = Self.pad(day.month)
        return language == .fr ? "\(d)/\(m)/\(day.year)" : "\(m)/\(d)/\(day.year)"
    }

    public func date(_ instant: Date) -> String { date(LocalDate(instant: instant, timeZone: timeZone)) }

    /// `14:30` (fr), `2:30 PM` (en).
    public func time(_ instant: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: instant)
        let hour = parts.hour ?? 0, minute = Self.pad(parts.minute ?? 0)
        if language == .fr { return "\(Self.pad(hour)):\(minute)" }
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        return "\(twelve):\(minute) \(hour < 12 ? "AM" : "PM")"
    }

    /// `lundi` (fr), `Monday` (en).
    public func weekday(_ day: LocalDate) -> String { Self.weekdays[language]![day.isoWeekday - 1] }

    /// `lun.` (fr), `Mon` (en).
    public func shortWeekday(_ day: LocalDate) -> String { Self.shortWeekdays[language]![day.isoWeekday - 1] }

    /// `1 234,50` (fr), `1,234.50` (en).
    public func number(_ value: Double, fractionDigits: Int = 2) -> String {
        let scale = (0..<fractionDigits).reduce(1) { r, _ in r * 10 }
        let scaled = Int((abs(value) * Double(scale)).rounded())
        return format(negative: value < 0 && scaled != 0, whole: scaled / scale, fraction: scaled % scale, digits: fractionDigits)
    }

    /// `1 234,50 EUR` (fr), `EUR 1,234.50` (en), from an amount in cents.
    public func money(cents: Int, currency: String = "EUR") -> String {
        let amount = format(negative: cents < 0, whole: abs(cents) / 100, fraction: abs(cents) % 100, digits: 2)
        return language == .fr ? "\(amount)\(Self.noBreakSpace)\(currency)" : "\(currency)\(Self.noBreakSpace)\(amount)"
    }

    /// A duration in hours and minutes: `7 h 30` (fr), `7h 30m` (en); `0 h` / `0h` when empty.
    public func duration(minutes: Int) -> String {
        let sign = minutes < 0 ? "-" : ""
        let h = abs(minutes) / 60, m = abs(minutes) % 60
        if language == .fr { return m == 0 ? "\(sign)\(h)\(Self.noBreakSpace)h" : "\(sign)\(h)\(Self.noBreakSpace)h\(Self.noBreakSpace)\(Self.pad(m))" }
        return m == 0 ? "\(sign)\(h)h" : "\(sign)\(h)h\(Self.noBreakSpace)\(Self.pad(m))m"
    }

    func format(negative: Bool, whole: Int, fraction: Int, digits: Int) -> String {
        let separator = language == .fr ? Self.noBreakSpace : ","
        var groups: [String] = []
        var rest = whole
        repeat {
            let group = rest % 1000
            rest /= 1000
            groups.insert(rest > 0 ? String(String(group + 1000).dropFirst()) : String(group), at: 0)
        } while rest > 0
        var text = (negative ? "-" : "") + groups.joined(separator: separator)
        if digits > 0 {
            let fractionText = String(fraction)
            text += (language == .fr ? "," : ".") + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return text
    }

    static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
