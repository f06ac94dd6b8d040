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
        // A planning week's rows come in order of start, most without a cancelled shift: those are
        // judged as given, without a filtered and a sorted copy (the sort keeps equal shifts in order).
        let startsFirst = { (a: Shift, b: Shift) in (a.start, a.end) < (b.start, b.end) }
        let asGiven =
            shifts.allSatisfy { $0.status != .cancelled } && zip(shifts, shifts.dropFirst()).allSatisfy { !startsFirst($1, $0) }
        let live = asGiven ? shifts : shifts.filter { $0.status != .cancelled }.sorted(by: startsFirst)
        let zoneDays = days?.timeZone == timeZone ? days : nil
        let localDate: (Date) -> LocalDate = { instant in zoneDays?.date(of: instant) ?? LocalDate(instant: instant, timeZone: timeZone) }
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

        // The shifts grouped by local day. `live` is sorted by start and a zone's local dates only move
        // forward in time, so each day is a contiguous run of `live` and the days come out in order:
        // no dictionary of days to hash into, and each shift's day and scope are worked out once.
        let spans = Self.days(of: live, localDate: localDate, weeks: weeks)
        var dayIndexOfShift = [Int](repeating: 0, count: live.count)
        for (index, span) in spans.enumerated() {
            for shift in span.shifts { dayIndexOfShift[shift] = index }
        }
        let inScope: (Int) -> Bool = { spans[dayIndexOfShift[$0]].inScope }
        let dayOf: (Int) -> LocalDate = { spans[dayIndexOfShift[$0]].date }
        let ids: (Range<Int>) -> [UUID] = { range in live[range].map(\.id) }

        // Employee active.
        if !employee.active {
            for index in live.indices where inScope(index) {
                add(.employeeActive, [live[index].id], dayOf(index), [:], "\(employee.name) is not active")
            }
        }

        // Mission dates: the shift lies within its mission's dates (local days). A run of shifts on the
        // same mission looks it up once, and keeps only its dates: a copy of the mission (its texts
        // retained and released) for each employee's run cost more than the comparison.
        var lastMission: (id: UUID, dates: (start: LocalDate, end: LocalDate)?)?
        for index in live.indices where inScope(index) {
            let shift = live[index]
            let dates: (start: LocalDate, end: LocalDate)?
            if let lastMission, lastMission.id == shift.missionID {
                dates = lastMission.dates
            } else {
                dates = context.missions[shift.missionID].map { ($0.startDate, $0.endDate) }
                lastMission = (shift.missionID, dates)
            }
            guard let dates else { continue }
            let first = dayOf(index)
            let last = localDate(shift.end.addingTimeInterval(-1))
            if first < dates.start || last > dates.end, let mission = context.missions[shift.missionID] {
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
                if inScope(i) || inScope(j) {
                    let minutes = Int(min(live[i].end, live[j].end).timeIntervalSince(live[j].start) / 60)
                    add(
                        .overlap, [live[i].id, live[j].id], dayOf(i), ["overlap_minutes": minutes],
                        "shifts overlap by \(minutes) min")
                }
                j += 1
            }
        }

        // Daily maximum.
        for day in spans where day.inScope && day.worked > rules.maxDailyMinutes {
            add(
                .dailyMax, ids(day.shifts), day.date, ["worked_minutes": day.worked, "max_minutes": rules.maxDailyMinutes],
                "\(Self.hours(day.worked)) worked on \(day.date), above \(Self.hours(rules.maxDailyMinutes))")
        }

        // Daily rest: between the last end of a work day and the first start of the next work day.
        for (a, b) in zip(spans, spans.dropFirst()) where a.inScope || b.inScope {
            guard b.first >= a.last else { continue }  // overlapping days are reported as overlaps
            let rest = Int(b.first.timeIntervalSince(a.last) / 60)
            if rest < rules.minRestMinutes {
                add(
                    .dailyRest, [live[a.shifts.last!].id, live[b.shifts.first!].id], b.date,
                    ["rest_minutes": rest, "min_rest_minutes": rules.minRestMinutes],
                    "rest of \(Self.hours(rest)) before \(b.date), below \(Self.hours(rules.minRestMinutes))")
            }
        }

        // Weekly figures: the days of a week are contiguous too.
        var weekStart = spans.startIndex
        while weekStart < spans.endIndex {
            let monday = spans[weekStart].date.mondayOfWeek
            var weekEnd = weekStart + 1
            while weekEnd < spans.endIndex, spans[weekEnd].date.mondayOfWeek == monday { weekEnd += 1 }
            defer { weekStart = weekEnd }
            guard weeks.map({ $0.contains(monday) }) ?? true else { continue }
            let worked = spans[weekStart..<weekEnd].reduce(0) { $0 + $1.worked }
            let shiftRange = spans[weekStart].shifts.lowerBound..<spans[weekEnd - 1].shifts.upperBound
            if worked > rules.maxWeeklyMinutes {
                add(
                    .weeklyMax, ids(shiftRange), monday, ["worked_minutes": worked, "max_minutes": rules.maxWeeklyMinutes],
                    "\(Self.hours(worked)) in the week of \(monday), above \(Self.hours(rules.maxWeeklyMinutes))")
            }
            if worked > employee.weeklyContractMinutes {
                add(
                    .contractHours, ids(shiftRange), monday,
                    ["planned_minutes": worked, "contract_minutes": employee.weeklyContractMinutes],
                    "\(Self.hours(worked)) planned in the week of \(monday), contract is \(Self.hours(employee.weeklyContractMinutes))"
                )
            }
            let split = Overtime(workedMinutes: worked, rules: rules)
            if split.total > 0 {
                add(
                    .overtime, ids(shiftRange), monday,
                    ["overtime_minutes": split.total, "tier25_minutes": split.tier25, "tier50_minutes": split.tier50],
                    "\(Self.hours(split.total)) overtime in the week of \(monday) (+25%: \(Self.hours(split.tier25)), +50%: \(Self.hours(split.tier50)))"
                )
            }
        }
        if out.count < 2 { return out }
        return out.sorted { ($0.rule, $0.date ?? LocalDate(year: 0, month: 1, day: 1)) < ($1.rule, $1.date ?? LocalDate(year: 0, month: 1, day: 1)) }
    }

    /// One local day of an employee's shifts: a run of the sorted shifts, what is worked in it, the span
    /// from its first start to its last end, and whether it lies in the weeks evaluated.
    struct DaySpan {
        var date: LocalDate
        var shifts: Range<Int>
        var worked: Int
        var first: Date
        var last: Date
        var inScope: Bool
    }

    static func days(of live: [Shift], localDate: (Date) -> LocalDate, weeks: Set<LocalDate>?) -> [DaySpan] {
        var spans: [DaySpan] = []
        for (index, shift) in live.enumerated() {
            let date = localDate(shift.start)
            if let last = spans.indices.last, spans[last].date == date {
                spans[last].shifts = spans[last].shifts.lowerBound..<(index + 1)
                spans[last].worked += shift.workedMinutes
                spans[last].first = min(spans[last].first, shift.start)
                spans[last].last = max(spans[last].last, shift.end)
            } else {
                let inScope = weeks.map { $0.contains(date.mondayOfWeek) } ?? true
                spans.append(DaySpan(date: date, shifts: index..<(index + 1), worked: shift.workedMinutes, first: shift.start, last: shift.end, inScope: inScope))
            }
        }
        return spans
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
