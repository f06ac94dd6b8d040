import Domain
import Foundation

/// The shift form's values and its messages, each tied to the field it concerns.
struct ShiftForm {
    static let fieldNames = ["employee", "mission", "site", "date", "start", "end", "break", "status", "note"]
    /// API field names (as in problem+json `field`) to form fields.
    static let apiFields = [
        "employee_id": "employee", "mission_id": "mission", "site_id": "site", "start": "start", "end": "end",
        "break_minutes": "break", "status": "status", "note": "note",
    ]

    var values: [String: String] = [:]
    var errors: [String: [String]] = [:]
    var warnings: [String: [String]] = [:]
    var notice: String?

    init() {}

    init(fields: WebForm) {
        for name in Self.fieldNames { values[name] = fields[name] ?? "" }
    }

    init(shift: Shift, zone: TimeZone) {
        let time = LocaleFormat(language: .fr, timeZone: zone)
        values = [
            "employee": shift.employeeID.uuidString, "mission": shift.missionID.uuidString, "site": shift.siteID.uuidString,
            "date": LocalDate(instant: shift.start, timeZone: zone).description, "start": time.time(shift.start),
            "end": time.time(shift.end), "break": String(shift.breakMinutes), "status": shift.status.rawValue, "note": shift.note,
        ]
    }

    /// The field a rule's message is shown beside.
    static func field(of rule: RuleID) -> String {
        switch rule {
        case .overlap, .dailyRest: "start"
        case .dailyMax, .weeklyMax, .contractHours, .overtime: "end"
        case .missionDates: "date"
        case .employeeActive: "employee"
        }
    }

    mutating func add(error: String, field: String) { errors[field, default: []].append(error) }
    mutating func add(warning: String, field: String) { warnings[field, default: []].append(warning) }

    /// The draft the form describes, or nil with an error beside each field that is missing or malformed.
    /// An end at or before the start is the next day (night shifts).
    mutating func draft(zone: TimeZone, localizer: Localizer) -> ShiftStore.Draft? {
        func id(_ field: String) -> UUID? {
            guard let text = values[field], !text.isEmpty else { add(error: localizer.text("form.required"), field: field); return nil }
            guard let id = UUID(uuidString: text) else { add(error: localizer.text("form.invalid_choice"), field: field); return nil }
            return id
        }
        let employee = id("employee"), mission = id("mission"), site = id("site")
        let date = LocalDate(values["date"] ?? "")
        if date == nil { add(error: localizer.text(values["date"]?.isEmpty ?? true ? "form.required" : "form.invalid_date"), field: "date") }
        let start = Self.minutes(values["start"]), end = Self.minutes(values["end"])
        if start == nil { add(error: localizer.text("form.invalid_time"), field: "start") }
        if end == nil { add(error: localizer.text("form.invalid_time"), field: "end") }
        let breakMinutes = Int(values["break"]?.isEmpty ?? true ? "0" : values["break"]!)
        if breakMinutes == nil || breakMinutes! < 0 || breakMinutes! > 720 { add(error: localizer.text("form.invalid_break"), field: "break") }
        let status = ShiftStatus(rawValue: values["status"]?.isEmpty ?? true ? "planned" : values["status"]!)
        if status == nil { add(error: localizer.text("form.invalid_choice"), field: "status") }
        if (values["note"]?.count ?? 0) > 500 { add(error: localizer.text("form.too_long"), field: "note") }
        guard errors.isEmpty, let employee, let mission, let site, let date, let start, let end, let breakMinutes, let status else { return nil }
        let from = Self.instant(date, minutes: start, zone: zone)
        var to = Self.instant(date, minutes: end, zone: zone)
        if to <= from { to = Self.instant(date.adding(days: 1), minutes: end, zone: zone) }
        return ShiftStore.Draft(
            employeeID: employee, missionID: mission, siteID: site, start: from, end: to, breakMinutes: breakMinutes, status: status,
            note: values["note"] ?? "")
    }

    /// `HH:MM` as minutes after midnight.
    static func minutes(_ text: String?) -> Int? {
        guard let parts = text?.split(separator: ":"), parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
            (0...23).contains(h), (0...59).contains(m)
        else { return nil }
        return h * 60 + m
    }

    static func instant(_ day: LocalDate, minutes: Int, zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: day.year, month: day.month, day: day.day, hour: minutes / 60, minute: minutes % 60)
        return calendar.date(from: components) ?? day.startInstant(in: zone).addingTimeInterval(Double(minutes * 60))
    }

    /// Template values (an empty string would still open a Mustache section, so absent parts are
    /// `false`): per field its value, `aria-invalid`, the ids of its messages for
    /// `aria-describedby`, and the messages; the error summary links to the fields.
    func page(localizer: Localizer) -> [String: Any] {
        var fields: [String: Any] = [:]
        var summary: [[String: String]] = []
        for name in Self.fieldNames {
            var messages: [[String: String]] = []
            for (index, text) in (errors[name] ?? []).enumerated() {
                messages.append(["id": "\(name)-error-\(index)", "text": text, "kind": "field-error"])
                summary.append(["field": name, "text": text])
            }
            for (index, text) in (warnings[name] ?? []).enumerated() {
                messages.append(["id": "\(name)-warning-\(index)", "text": text, "kind": "field-warning"])
            }
            fields[name] = [
                "value": values[name] ?? "", "invalid": !(errors[name] ?? []).isEmpty,
                "describedby": messages.isEmpty ? false as Any : messages.map { $0["id"]! }.joined(separator: " "), "messages": messages,
            ] as [String: Any]
        }
        let warningList = Self.fieldNames.flatMap { name in (warnings[name] ?? []).map { ["field": name, "text": $0] } }
        return [
            "fields": fields, "has_errors": !summary.isEmpty, "error_list": summary,
            "has_warnings": !warningList.isEmpty, "warning_list": warningList, "notice": notice.map { $0 as Any } ?? false,
        ]
    }
}
