import Foundation

/// Evaluates the planning rules over one employee's shifts. Pure: no I/O, so it is used alike when a
/// shift is written (only violations involving that shift count) and when a week is displayed.
///
/// Days and weeks are local to the organisation's time zone: a shift counts for the local day and
/// ISO week (Monday) it starts in, and a DST week is 167 or 169 hours long.
public struct RuleEngine: Sendable {
    public var rules: PlanningRules
    public var timeZone: TimeZone

    public init(rules: PlanningRules, timeZone: TimeZone) {
        self.rules = rules
        self.timeZone = timeZone
    }

    /// What the engine needs to know about the employee and the missions.
    public struct Context: Sendable {
        public var employee: Employee
        public var missions: [UUID: Mission]
        public init(employee: Employee, missions: [UUID: Mission]) {
            self.employee = employee
            self.missions = missions
        }
    }

    /// All violations among `shifts` (one employee's), restricted to shifts starting in `weeks` when given.
    /// `days`, for the engine's zone, spares the zone lookups when many employees' shifts of the same
    /// period are evaluated (a planning week makes one for all its rows).
    public func evaluate(_ shifts: [Shift], context: Context, weeks: Set<LocalDate>? = nil, days: ZoneDays? = nil) -> [RuleViolation] {
        let live = shifts.filter { $0.status != .cancelled }.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        let zoneDays = days?.timeZone == timeZone ? days : nil
        let localDate: (Date) -> LocalDate = { instant in zoneDays?.date(of: instant) ?? LocalDate(instant: instant, timeZone: timeZone) }
        let dayOf: (Shift) -> LocalDate = { localDate($0.start) }
        let inScope: (Shift) -> Bool = { shift in weeks.map { $0.contains(dayOf(shift).mondayOfWeek) } ?? true }
        let employee = context.employee
        var out: [RuleViolation] = []

        func add(_ rule: RuleID, _ ids: [UUID], _ date: LocalDate?, _ figures: [String: Int], _ message: String) {
            let severity = rules.severity(of: rule)
            guard severity != .off else { return }
            out.append(
                RuleViolation(
                    rule: rule, severity: severity, employeeID: employee.id, shiftIDs: ids, date: date,
                    figures: figures, message: message))
        }

        // Employee active.
        if !employee.active {
            for shift in live where inScope(shift) {
                add(.employeeActive, [shift.id], dayOf(shift), [:], "\(employee.name) is not active")
            }
        }

        // Mission dates: the shift lies within its mission's dates (local days).
        for shift in live where inScope(shift) {
            guard let mission = context.missions[shift.missionID] else { continue }
            let first = dayOf(shift)
            let last = localDate(shift.end.addingTimeInterval(-1))
            if first < mission.startDate || last > mission.endDate {
                add(
                    .missionDates, [shift.id], first, [:],
                    "shift on \(first) is outside mission '\(mission.name)' (\(mission.startDate) to \(mission.endDate))"
                )
            }
        }

        // Overlaps: any two shifts sharing time.
        for i in live.indices {
            var j = i + 1
            while j < live.count, live[j].start < live[i].end {
                if inScope(live[i]) || inScope(live[j]) {
                    let minutes = Int(min(live[i].end, live[j].end).timeIntervalSince(live[j].start) / 60)
                    add(
                        .overlap, [live[i].id, live[j].id], dayOf(live[i]), ["overlap_minutes": minutes],
                        "shifts overlap by \(minutes) min")
                }
                j += 1
            }
        }

        // Per local day: worked minutes and the span from first start to last end.
        var days: [LocalDate: (worked: Int, first: Date, last: Date, ids: [UUID])] = [:]
        for shift in live {
            let day = dayOf(shift)
            var entry = days[day] ?? (0, shift.start, shift.end, [])
            entry.worked += shift.workedMinutes
            entry.first = min(entry.first, shift.start)
            entry.last = max(entry.last, shift.end)
            entry.ids.append(shift.id)
            days[day] = entry
        }
        let orderedDays = days.keys.sorted()
        let dayInScope: (LocalDate) -> Bool = { day in weeks.map { $0.contains(day.mondayOfWeek) } ?? true }

        // Daily maximum.
        for day in orderedDays where dayInScope(day) {
            let entry = days[day]!
            if entry.worked > rules.maxDailyMinutes {
                add(
                    .dailyMax, entry.ids, day, ["worked_minutes": entry.worked, "max_minutes": rules.maxDailyMinutes],
                    "\(Self.hours(entry.worked)) worked on \(day), above \(Self.hours(rules.maxDailyMinutes))")
            }
        }

        // Daily rest: between the last end of a work day and the first start of the next work day.
        for (previous, next) in zip(orderedDays, orderedDays.dropFirst()) where dayInScope(previous) || dayInScope(next) {
            let a = days[previous]!
            let b = days[next]!
            guard b.first >= a.last else { continue }  // overlapping days are reported as overlaps
            let rest = Int(b.first.timeIntervalSince(a.last) / 60)
            if rest < rules.minRestMinutes {
                let ids = [a.ids.last!, b.ids.first!]
                add(
                    .dailyRest, ids, next, ["rest_minutes": rest, "min_rest_minutes": rules.minRestMinutes],
                    "rest of \(Self.hours(rest)) before \(next), below \(Self.hours(rules.minRestMinutes))")
            }
        }

        // Weekly figures.
        var weeksWorked: [LocalDate: (worked: Int, ids: [UUID])] = [:]
        for day in orderedDays {
            let monday = day.mondayOfWeek
            var entry = weeksWorked[monday] ?? (0, [])
            entry.worked += days[day]!.worked
            entry.ids += days[day]!.ids
            weeksWorked[monday] = entry
        }
        for monday in weeksWorked.keys.sorted() where weeks.map({ $0.contains(monday) }) ?? true {
            let week = weeksWorked[monday]!
            if week.worked > rules.maxWeeklyMinutes {
                add(
                    .weeklyMax, week.ids, monday, ["worked_minutes": week.worked, "max_minutes": rules.maxWeeklyMinutes],
                    "\(Self.hours(week.worked)) in the week of \(monday), above \(Self.hours(rules.maxWeeklyMinutes))")
            }
            if week.worked > employee.weeklyContractMinutes {
                add(
                    .contractHours, week.ids, monday,
                    ["planned_minutes": week.worked, "contract_minutes": employee.weeklyContractMinutes],
                    "\(Self.hours(week.worked)) planned in the week of \(monday), contract is \(Self.hours(employee.weeklyContractMinutes))"
                )
            }
            let split = Overtime(workedMinutes: week.worked, rules: rules)
            if split.total > 0 {
                add(
                    .overtime, week.ids, monday,
                    ["overtime_minutes": split.total, "tier25_minutes": split.tier25, "tier50_minutes": split.tier50],
                    "\(Self.hours(split.total)) overtime in the week of \(monday) (+25%: \(Self.hours(split.tier25)), +50%: \(Self.hours(split.tier50)))"
                )
            }
        }
        return out.sorted { ($0.rule, $0.date ?? LocalDate(year: 0, month: 1, day: 1)) < ($1.rule, $1.date ?? LocalDate(year: 0, month: 1, day: 1)) }
    }

    /// Violations that a write of `candidate` would cause: those involving it, or its day or week.
    public func evaluate(candidate: Shift, others: [Shift], context: Context) -> [RuleViolation] {
        let day = LocalDate(instant: candidate.start, timeZone: timeZone)
        let all = others.filter { $0.id != candidate.id } + [candidate]
        return evaluate(all, context: context, weeks: [day.mondayOfWeek]).filter { $0.shiftIDs.contains(candidate.id) }
    }

    static func hours(_ minutes: Int) -> String {
        let h = minutes / 60
        let m = abs(minutes % 60)
        return m == 0 ? "\(h)h" : "\(h)h\(m < 10 ? "0" : "")\(m)"
    }
}

/// Overtime above the weekly threshold, split in the +25% and +50% tiers.
public struct Overtime: Sendable, Codable, Equatable {
    public var total: Int
    public var tier25: Int
    public var tier50: Int

    public init(workedMinutes: Int, rules: PlanningRules) {
        total = max(0, workedMinutes - rules.overtimeThresholdMinutes)
        tier50 = max(0, workedMinutes - rules.overtimeTier1LimitMinutes)
        tier25 = total - tier50
    }

    enum CodingKeys: String, CodingKey {
        case total = "total_minutes"
        case tier25 = "tier25_minutes"
        case tier50 = "tier50_minutes"
    }
}
