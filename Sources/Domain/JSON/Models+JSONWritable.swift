import Foundation

// The read answers' direct JSON forms; each mirrors its type's `CodingKeys` (checked by the tests
// against `JSONEncoder` on the same values).

extension Shift: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("id"); w.uuid(id)
            w.key("employee_id"); w.uuid(employeeID)
            w.key("mission_id"); w.uuid(missionID)
            w.key("site_id"); w.uuid(siteID)
            w.key("start"); w.instant(start)
            w.key("end"); w.instant(end)
            w.key("break_minutes"); w.int(breakMinutes)
            w.key("status"); w.plainString(status.jsonText)
            w.key("note"); w.string(note)
        }
    }
}

extension ShiftStatus {
    /// The raw value, as the JSON writer takes it without scanning it for escapes.
    var jsonText: StaticString {
        switch self {
        case .planned: "planned"
        case .confirmed: "confirmed"
        case .cancelled: "cancelled"
        }
    }
}

extension Employee: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("id"); w.uuid(id)
            w.key("name"); w.string(name)
            w.key("email"); w.string(email)
            if let teamID { w.key("team_id"); w.uuid(teamID) }
            if let siteID { w.key("site_id"); w.uuid(siteID) }
            w.key("weekly_contract_minutes"); w.int(weeklyContractMinutes)
            w.key("hourly_cost_cents"); w.int(hourlyCostCents)
            w.key("active"); w.bool(active)
        }
    }
}

extension RuleViolation: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("rule"); w.string(rule.rawValue)
            w.key("severity"); w.string(severity.rawValue)
            w.key("employee_id"); w.uuid(employeeID)
            w.key("shift_ids"); w.array(shiftIDs) { w, id in w.uuid(id) }
            if let date { w.key("date"); w.date(date) }
            w.key("figures")
            w.object { w in
                // By name: a dictionary's order changes from one process to the next (its hashing is
                // seeded per process), and the same week must be the same bytes whichever server
                // instance wrote it (cache entries, their gzip forms, comparisons). A violation has a
                // few figures, so each next name is found by a pass over them: sorting them into an
                // array cost an allocation per violation (the benchmarks gate caught 6 -> 546 for a
                // 200-employee week).
                var last: String?
                for _ in 0..<figures.count {
                    var next: (key: String, value: Int)?
                    for entry in figures where last.map({ entry.key > $0 }) ?? true {
                        if next.map({ entry.key < $0.key }) ?? true { next = entry }
                    }
                    guard let next else { break }
                    w.key(next.key)
                    w.int(next.value)
                    last = next.key
                }
            }
            w.key("message"); w.string(message)
        }
    }
}

extension Overtime: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("total_minutes"); w.int(total)
            w.key("tier25_minutes"); w.int(tier25)
            w.key("tier50_minutes"); w.int(tier50)
        }
    }
}

extension PlanningWeek: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { w in
            Self.writeHead(of: weekStart, timeZone: timeZone, days: days, to: &w)
            w.key("rows"); w.array(rows) { w, row in row.write(to: &w) }
            Self.writeTotals(dayTotals, total: totalMinutes, to: &w)
        }
    }

    /// The members before the rows (shared with ``json(weekStart:organization:employees:shifts:missions:)``).
    static func writeHead(of weekStart: LocalDate, timeZone: String, days: [LocalDate], to w: inout JSONWriter) {
        w.key("week_start"); w.date(weekStart)
        w.key("time_zone"); w.string(timeZone)
        w.key("days"); w.array(days) { w, day in w.date(day) }
    }

    /// The members after the rows.
    static func writeTotals(_ dayTotals: [Int], total: Int, to w: inout JSONWriter) {
        w.key("day_totals_minutes"); w.array(dayTotals) { w, minutes in w.int(minutes) }
        w.key("total_minutes"); w.int(total)
    }
}

extension PlanningWeek.Row {
    func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("employee"); w.value(employee)
            w.key("days")
            w.array(days) { w, cell in
                w.object { w in
                    w.key("date"); w.date(cell.date)
                    w.key("shifts"); w.array(cell.shifts) { w, shift in w.value(shift) }
                    w.key("worked_minutes"); w.int(cell.workedMinutes)
                }
            }
            w.key("week_minutes"); w.int(weekMinutes)
            w.key("contract_minutes"); w.int(contractMinutes)
            w.key("delta_minutes"); w.int(deltaMinutes)
            w.key("overtime"); w.value(overtime)
            w.key("violations"); w.array(violations) { w, violation in w.value(violation) }
        }
    }
}

extension Page: JSONWritable where Item: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("items"); w.array(items) { w, item in w.value(item) }
            w.key("next_cursor")
            if let nextCursor { w.string(nextCursor) } else { w.null() }
        }
    }
}
