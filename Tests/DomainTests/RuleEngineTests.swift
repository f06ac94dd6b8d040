import Domain
import Foundation
import Testing

/// Pure rule evaluation: boundaries, tiers, overrides and DST weeks in Europe/Paris.
@Suite struct RuleEngineTests {
    let paris = TimeZone(identifier: "Europe/Paris")!
    let employee = Employee(id: UUID(), name: "Alice", email: "a@x.test", teamID: nil, siteID: nil, weeklyContractMinutes: 35 * 60, hourlyCostCents: 2000, active: true)
    let mission = Mission(id: UUID(), client: "C", name: "M", siteID: nil, startDate: LocalDate("2026-01-01")!, endDate: LocalDate("2026-12-31")!, budgetCents: 0, billingRateCents: 0)

    func at(_ date: String, _ hour: Int, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = paris
        let d = LocalDate(date)!
        return calendar.date(from: DateComponents(year: d.year, month: d.month, day: d.day, hour: hour, minute: minute))!
    }

    func shift(_ start: Date, _ end: Date, breakMinutes: Int = 0, status: ShiftStatus = .planned) -> Shift {
        Shift(id: UUID(), employeeID: employee.id, missionID: mission.id, siteID: UUID(), start: start, end: end, breakMinutes: breakMinutes, status: status, note: "")
    }

    func evaluate(_ shifts: [Shift], rules: PlanningRules = .default, employee: Employee? = nil) -> [RuleViolation] {
        RuleEngine(rules: rules, timeZone: paris).evaluate(shifts, context: .init(employee: employee ?? self.employee, missions: [mission.id: mission]))
    }

    func rules(_ violations: [RuleViolation]) -> Set<RuleID> { Set(violations.map(\.rule)) }

    @Test func overlappingShiftsAreReportedWithTheOverlap() {
        let a = shift(at("2026-11-23", 8), at("2026-11-23", 12))
        let b = shift(at("2026-11-23", 11), at("2026-11-23", 15))
        let overlap = evaluate([a, b]).first { $0.rule == .overlap }
        #expect(overlap?.severity == .blocking)
        #expect(overlap?.figures["overlap_minutes"] == 60)
        #expect(overlap?.shiftIDs == [a.id, b.id])
    }

    @Test func backToBackShiftsDoNotOverlap() {
        let a = shift(at("2026-11-23", 8), at("2026-11-23", 12))
        let b = shift(at("2026-11-23", 12), at("2026-11-23", 16))
        #expect(!rules(evaluate([a, b])).contains(.overlap))
    }

    @Test func exactlyElevenHoursOfRestPasses() {
        let evening = shift(at("2026-11-23", 13), at("2026-11-23", 21))
        let morning = shift(at("2026-11-24", 8), at("2026-11-24", 16))
        #expect(!rules(evaluate([evening, morning])).contains(.dailyRest))
    }

    @Test func tenHoursFiftyNineOfRestFails() {
        let evening = shift(at("2026-11-23", 13), at("2026-11-23", 21, 1))
        let morning = shift(at("2026-11-24", 8), at("2026-11-24", 16))
        let rest = evaluate([evening, morning]).first { $0.rule == .dailyRest }
        #expect(rest?.figures["rest_minutes"] == 659)
        #expect(rest?.figures["min_rest_minutes"] == 660)
        #expect(rest?.shiftIDs == [evening.id, morning.id])
        #expect(rest?.date == LocalDate("2026-11-24"))
    }

    @Test func splitShiftsOnOneDayAreNotARestBreach() {
        let morning = shift(at("2026-11-23", 8), at("2026-11-23", 12))
        let afternoon = shift(at("2026-11-23", 14), at("2026-11-23", 18))
        #expect(!rules(evaluate([morning, afternoon])).contains(.dailyRest))
    }

    @Test func tenHoursWorkedInADayPassesAndOneMinuteMoreFails() {
        let ten = shift(at("2026-11-23", 8), at("2026-11-23", 19), breakMinutes: 60)
        #expect(!rules(evaluate([ten])).contains(.dailyMax))
        let over = shift(at("2026-11-23", 8), at("2026-11-23", 19, 1), breakMinutes: 60)
        let violation = evaluate([over]).first { $0.rule == .dailyMax }
        #expect(violation?.figures["worked_minutes"] == 601)
    }

    /// Six 8 h days: 48 h passes; one more minute breaks the weekly maximum.
    @Test func weeklyMaximumIsFortyEightHours() {
        let days = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"]
        let week = days.map { shift(at($0, 8), at($0, 16)) }
        #expect(!rules(evaluate(week)).contains(.weeklyMax))
        let longer = week.dropLast() + [shift(at("2026-11-28", 8), at("2026-11-28", 16, 1))]
        let violation = evaluate(Array(longer)).first { $0.rule == .weeklyMax }
        #expect(violation?.figures["worked_minutes"] == 48 * 60 + 1)
        #expect(violation?.date == LocalDate("2026-11-23"))
    }

    @Test func overtimeIsSplitIntoTwentyFiveAndFiftyPercentTiers() {
        #expect(Overtime(workedMinutes: 35 * 60, rules: .default) == Overtime(workedMinutes: 0, rules: .default))
        let forty = Overtime(workedMinutes: 40 * 60, rules: .default)
        #expect((forty.total, forty.tier25, forty.tier50) == (300, 300, 0))
        let fortySix = Overtime(workedMinutes: 46 * 60, rules: .default)
        #expect((fortySix.total, fortySix.tier25, fortySix.tier50) == (660, 480, 180))
    }

    @Test func overtimeAndContractHoursAreWarnings() {
        let days = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]
        let week = days.map { shift(at($0, 8), at($0, 16)) }  // 40 h
        let violations = evaluate(week)
        let overtime = violations.first { $0.rule == .overtime }
        #expect(overtime?.severity == .warning)
        #expect(overtime?.figures["tier25_minutes"] == 300)
        let contract = violations.first { $0.rule == .contractHours }
        #expect(contract?.severity == .warning)
        #expect(contract?.figures == ["planned_minutes": 2400, "contract_minutes": 2100])
        #expect(!violations.contains { $0.severity == .blocking })
    }

    @Test func shiftOutsideItsMissionIsBlocked() {
        let late = shift(at("2027-01-02", 8), at("2027-01-02", 12))
        #expect(evaluate([late]).first { $0.rule == .missionDates }?.severity == .blocking)
        let lastDay = shift(at("2026-12-31", 20), at("2027-01-01", 0))
        #expect(!rules(evaluate([lastDay])).contains(.missionDates))
    }

    @Test func inactiveEmployeeCannotBePlanned() {
        var inactive = employee
        inactive.active = false
        let violations = evaluate([shift(at("2026-11-23", 8), at("2026-11-23", 12))], employee: inactive)
        #expect(violations.first { $0.rule == .employeeActive }?.severity == .blocking)
    }

    @Test func cancelledShiftsAreIgnored() {
        let a = shift(at("2026-11-23", 8), at("2026-11-23", 12))
        let b = shift(at("2026-11-23", 10), at("2026-11-23", 14), status: .cancelled)
        #expect(evaluate([a, b]).isEmpty)
    }

    @Test func anOrganisationCanRelaxOrTightenRules() {
        let evening = shift(at("2026-11-23", 13), at("2026-11-23", 22))
        let morning = shift(at("2026-11-24", 8), at("2026-11-24", 12))  // 10 h rest
        var relaxed = PlanningRules.default
        relaxed.severities[.dailyRest] = .warning
        #expect(evaluate([evening, morning], rules: relaxed).first { $0.rule == .dailyRest }?.severity == .warning)
        var off = PlanningRules.default
        off.severities[.dailyRest] = .off
        #expect(!rules(evaluate([evening, morning], rules: off)).contains(.dailyRest))
        var shorter = PlanningRules.default
        shorter.minRestMinutes = 9 * 60
        #expect(!rules(evaluate([evening, morning], rules: shorter)).contains(.dailyRest))
        var strict = PlanningRules.default
        strict.maxDailyMinutes = 8 * 60
        #expect(rules(evaluate([evening], rules: strict)).contains(.dailyMax))
    }

    @Test func invalidRuleThresholdsAreRefused() {
        var rules = PlanningRules.default
        rules.minRestMinutes = -1
        #expect(throws: DomainError.self) { try rules.validate() }
        rules = .default
        rules.overtimeTier1LimitMinutes = 30 * 60
        #expect(throws: DomainError.self) { try rules.validate() }
    }

    @Test func storedOverridesDecodeWithDefaultsAndRejectUnknownRules() throws {
        let decoded = try JSONDecoder().decode(PlanningRules.self, from: Data(#"{"severities":{"daily_rest":"warning"},"min_rest_minutes":600}"#.utf8))
        #expect(decoded.minRestMinutes == 600)
        #expect(decoded.maxDailyMinutes == 600)
        #expect(decoded.severity(of: .dailyRest) == .warning)
        #expect(decoded.severity(of: .overlap) == .blocking)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PlanningRules.self, from: Data(#"{"severities":{"nap_time":"off"}}"#.utf8)) }
    }

    /// Spring forward: Sunday 29 March 2026 02:00 -> 03:00 in Paris. A 01:00-05:00 shift is 3 real hours.
    @Test func springForwardNightCountsRealHours() {
        let night = shift(at("2026-03-29", 1), at("2026-03-29", 5))
        #expect(night.workedMinutes == 180)
        let week = PlanningWeek.assemble(
            weekStart: LocalDate("2026-03-23")!,
            organization: Organization(id: UUID(), slug: "o", name: "O", timeZone: "Europe/Paris", locale: "fr", rules: .default),
            employees: [employee], shifts: [night], missions: [mission.id: mission])
        #expect(week.rows[0].days[6].workedMinutes == 180)
        #expect(week.rows[0].days[6].date == LocalDate("2026-03-29"))
        #expect(week.totalMinutes == 180)
    }

    /// Fall back: Sunday 25 October 2026 03:00 -> 02:00. Rest across the change is measured in real time.
    @Test func restAcrossFallBackIsMeasuredInRealTime() {
        let saturday = shift(at("2026-10-24", 14), at("2026-10-24", 22))
        // 22:00 to 08:00 local spans 11 real hours on this night.
        let sunday = shift(at("2026-10-25", 8), at("2026-10-25", 12))
        #expect(sunday.start.timeIntervalSince(saturday.end) == 11 * 3600)
        #expect(!rules(evaluate([saturday, sunday])).contains(.dailyRest))
        // The same local times a week earlier are only 10 real hours apart.
        let before = shift(at("2026-10-17", 14), at("2026-10-17", 22))
        let after = shift(at("2026-10-18", 8), at("2026-10-18", 12))
        #expect(rules(evaluate([before, after])).contains(.dailyRest))
    }

    @Test func aNightShiftCountsForTheDayItStarts() {
        let night = shift(at("2026-11-23", 22), at("2026-11-24", 6))
        let week = PlanningWeek.assemble(
            weekStart: LocalDate("2026-11-23")!,
            organization: Organization(id: UUID(), slug: "o", name: "O", timeZone: "Europe/Paris", locale: "fr", rules: .default),
            employees: [employee], shifts: [night], missions: [mission.id: mission])
        #expect(week.rows[0].days[0].workedMinutes == 480)
        #expect(week.rows[0].days[1].workedMinutes == 0)
    }

    /// The shifts are read from PostgreSQL in no particular order: the week is the same whatever the
    /// order, each day listing its shifts by start, then by id as PostgreSQL orders uuids (bytes).
    @Test func aWeekIsTheSameWhateverOrderItsShiftsCameIn() throws {
        let org = Organization(id: UUID(), slug: "o", name: "O", timeZone: "Europe/Paris", locale: "fr", rules: .default)
        let other = Employee(
            id: UUID(), name: "Other", email: "o@example.com", teamID: nil, siteID: nil, weeklyContractMinutes: 2100, hourlyCostCents: 2000, active: true)
        var shifts = (23...29).flatMap { day in
            [shift(at("2026-11-\(day)", 8), at("2026-11-\(day)", 12)), shift(at("2026-11-\(day)", 13), at("2026-11-\(day)", 17))]
        }
        for index in shifts.indices where index % 3 == 0 { shifts[index].employeeID = other.id }
        // Two shifts of one employee starting together (an overlap): 0xF0 as a first byte sorts after
        // 0x00 in PostgreSQL's unsigned byte order (a signed reading would put it first).
        var low = shift(at("2026-11-25", 18), at("2026-11-25", 19)), high = low
        low.id = try #require(UUID(uuidString: "00000000-0000-0000-0000-000000000001"))
        high.id = try #require(UUID(uuidString: "F0000000-0000-0000-0000-000000000000"))
        shifts += [high, low]
        func week(_ shifts: [Shift]) throws -> String {
            let week = PlanningWeek.assemble(
                weekStart: LocalDate("2026-11-23")!, organization: org, employees: [employee, other], shifts: shifts, missions: [mission.id: mission])
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(week), as: UTF8.self)
        }
        let sorted = try week(shifts.sorted(by: Shift.startsBefore))
        for _ in 0..<20 { #expect(try week(shifts.shuffled()) == sorted) }
        let wednesday = PlanningWeek.assemble(
            weekStart: LocalDate("2026-11-23")!, organization: org, employees: [employee, other], shifts: shifts.reversed(), missions: [mission.id: mission]
        ).rows.flatMap { $0.days[2].shifts.map(\.id) }
        let lowIndex = try #require(wednesday.firstIndex(of: low.id)), highIndex = try #require(wednesday.firstIndex(of: high.id))
        #expect(lowIndex < highIndex)
    }

    @Test func writeCheckReportsOnlyViolationsInvolvingTheCandidate() {
        let a = shift(at("2026-11-23", 8), at("2026-11-23", 12))
        let b = shift(at("2026-11-23", 10), at("2026-11-23", 14))  // overlaps a: existing problem
        let candidate = shift(at("2026-11-25", 8), at("2026-11-25", 12))
        let engine = RuleEngine(rules: .default, timeZone: paris)
        #expect(engine.evaluate(candidate: candidate, others: [a, b], context: .init(employee: employee, missions: [mission.id: mission])).isEmpty)
    }

    @Test func onlyTheWeeksAskedAreJudgedAndEdgesAcrossThemCount() {
        // Week of 2026-11-16: 6 x 9 h = 54 h (above 48 h), Friday then Sunday up to 22:00.
        let first = (16...20).map { shift(at("2026-11-\($0)", 8), at("2026-11-\($0)", 17)) } + [shift(at("2026-11-22", 13), at("2026-11-22", 22))]
        // Week of 2026-11-23: Monday 06:00 (8 h of rest after Sunday), two shifts the same day, a cancelled one.
        let monday = shift(at("2026-11-23", 6), at("2026-11-23", 10))
        let mondayLate = shift(at("2026-11-23", 14), at("2026-11-23", 18))
        let cancelled = shift(at("2026-11-24", 8), at("2026-11-24", 20), status: .cancelled)
        let tuesday = shift(at("2026-11-24", 9), at("2026-11-24", 21))
        let all = (first + [tuesday, mondayLate, cancelled, monday]).shuffled()
        let engine = RuleEngine(rules: .default, timeZone: paris)
        let context = RuleEngine.Context(employee: employee, missions: [mission.id: mission])
        let second = LocalDate("2026-11-23")!
        let judged = engine.evaluate(all, context: context, weeks: [second])
        let zoneDays = ZoneDays(paris, from: at("2026-11-16", 0))
        #expect(engine.evaluate(all, context: context, weeks: [second], days: zoneDays) == judged)

        // The rest breach ends in the week asked, so it counts; the first week's 54 h do not.
        let rest = judged.first { $0.rule == .dailyRest }
        #expect(rest?.shiftIDs == [first.last!.id, monday.id])
        #expect(rest?.date == second)
        #expect(rest?.figures["rest_minutes"] == 8 * 60)
        #expect(!judged.contains { $0.rule == .weeklyMax })
        // Tuesday: 12 h worked (the cancelled shift is ignored).
        let daily = judged.filter { $0.rule == .dailyMax }
        #expect(daily.map(\.shiftIDs) == [[tuesday.id]])
        #expect(daily.first?.figures["worked_minutes"] == 12 * 60)
        #expect(!judged.contains { $0.rule == .overlap })

        // Judged over both weeks: the first week's maximum and overtime, with its shifts in time order.
        let both = engine.evaluate(all, context: context)
        let weekly = both.filter { $0.rule == .weeklyMax }
        #expect(weekly.map(\.date) == [LocalDate("2026-11-16")!])
        #expect(weekly.first?.shiftIDs == first.map(\.id))
        #expect(weekly.first?.figures["worked_minutes"] == 54 * 60)
        let contract = both.filter { $0.rule == .contractHours }.map(\.date)
        #expect(contract == [LocalDate("2026-11-16")!])
        #expect(both.map(\.rule) == both.map(\.rule).sorted())
    }
}
