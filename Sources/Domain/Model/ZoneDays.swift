import Foundation

/// Local dates of instants in one time zone, for runs of instants such as a week of shifts.
///
/// `TimeZone.secondsFromGMT(for:)` goes through ICU behind a lock, and the planning week asked it
/// several times per shift. The offset is the same from the anchor instant up to the zone's next
/// transition, so instants in that interval need no lookup; any other instant is asked of the zone.
public struct ZoneDays: Sendable {
    public let timeZone: TimeZone
    private let from: Date
    private let until: Date
    private let offset: Int

    /// Offsets are remembered from `anchor` (the earliest instant of the run) to the next transition.
    public init(_ timeZone: TimeZone, from anchor: Date) {
        self.timeZone = timeZone
        self.from = anchor
        self.offset = timeZone.secondsFromGMT(for: anchor)
        self.until = timeZone.nextDaylightSavingTimeTransition(after: anchor) ?? .distantFuture
    }

    /// The local date of `instant`, as `LocalDate(instant:timeZone:)` gives it.
    public func date(of instant: Date) -> LocalDate {
        guard from <= instant, instant < until else { return LocalDate(instant: instant, timeZone: timeZone) }
        return LocalDate(daysSinceEpoch: Int(((instant.timeIntervalSince1970 + Double(offset)) / 86_400).rounded(.down)))
    }
}
