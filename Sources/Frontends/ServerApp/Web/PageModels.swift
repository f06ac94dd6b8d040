import Domain
import Foundation
import Security

/// What the pages show, formatted for the request's language and the organisation's time zone.
struct PageFormatting: Sendable {
    let localizer: Localizer
    let format: LocaleFormat

    init(language: Language, organization: Organization) {
        self.localizer = Localizer.bundled(language)
        self.format = LocaleFormat(language: language, timeZone: organization.zone)
    }

    /// Catalog key of each rule's message (literal keys, so the i18n extraction sees them).
    static let ruleKeys: [RuleID: String] = [
        .overlap: "rule.overlap", .dailyRest: "rule.daily_rest", .dailyMax: "rule.daily_max", .weeklyMax: "rule.weekly_max",
        .missionDates: "rule.mission_dates", .employeeActive: "rule.employee_active", .contractHours: "rule.contract_hours",
        .overtime: "rule.overtime",
    ]
    static let statusKeys: [ShiftStatus: String] = [
        .planned: "shift_status.planned", .confirmed: "shift_status.confirmed", .cancelled: "shift_status.cancelled",
    ]

    /// A violation in the reader's language: its figures as durations, its day as a date.
    func text(of violation: RuleViolation) -> String {
        var arguments = violation.figures.mapValues { format.duration(minutes: $0) }
        if let date = violation.date { arguments["date"] = format.date(date) }
        return localizer.text(Self.ruleKeys[violation.rule] ?? "rule.generic", arguments)
    }

    func status(_ status: ShiftStatus) -> String { localizer.text(Self.statusKeys[status]!) }

    func timeRange(_ shift: Shift) -> String { "\(format.time(shift.start))\u{2013}\(format.time(shift.end))" }

    /// `lundi 23/11/2026`, `Monday 11/23/2026`.
    func day(_ date: LocalDate) -> String { "\(format.weekday(date)) \(format.date(date))" }

    /// Options of a `<select>`, the chosen one marked.
    static func options(_ items: [(id: UUID, name: String)], selected: UUID?) -> [[String: Any]] {
        items.map { ["value": $0.id.uuidString, "label": $0.name, "selected": $0.id == selected] }
    }
}
