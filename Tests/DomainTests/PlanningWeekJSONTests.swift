import Domain
import Foundation
import Testing

/// The JSON the API answers a week with, written in halves at once, is the bytes of the assembled week.
@Suite struct PlanningWeekJSONTests {
    static let monday = LocalDate(year: 2026, month: 11, day: 23)
    static let organization = Organization(id: UUID(), slug: "o", name: "O", timeZone: "Europe/Paris", locale: "fr", rules: .default)

    /// `count` employees, each with shifts that break rules now and then: overlaps, long days, short
    /// rest, a mission's dates, cancelled ones, and shifts just outside the week (judged for rest only).
    static func week(employees count: Int) -> (employees: [Employee], shifts: [Shift], missions: [UUID: Mission]) {
        let inside = Mission(
            id: UUID(), client: "C", name: "Inside", siteID: nil, startDate: LocalDate("2026-01-01")!, endDate: LocalDate("2026-12-31")!,
            budgetCents: 100, billingRateCents: 10)
        let ended = Mission(
            id: UUID(), client: "C", name: "Ended", siteID: nil, startDate: LocalDate("2026-01-01")!, endDate: LocalDate("2026-11-25")!,
            budgetCents: 100, billingRateCents: 10)
        let base = monday.startInstant(in: organization.zone)
        var employees: [Employee] = []
        var shifts: [Shift] = []
        for index in 0..<count {
            let employee = Employee(
                id: UUID(), name: "Employee \(index)", email: "e\(index)@x.test", teamID: nil, siteID: nil, weeklyContractMinutes: 2_100,
                hourlyCostCents: 2_000, active: index % 11 != 5)
            employees.append(employee)
            for day in -1..<8 {
                let hours = [8, 12, 7, 10][(index + day + 4) % 4]
                let start = base.addingTimeInterval(TimeInterval(day * 86_400 + (6 + (index % 5)) * 3_600))
                shifts.append(
                    Shift(
                        id: UUID(), employeeID: employee.id, missionID: (index + day) % 3 == 0 ? ended.id : inside.id, siteID: UUID(), start: start,
                        end: start.addingTimeInterval(TimeInterval(hours * 3_600)), breakMinutes: 30,
                        status: (index + day) % 7 == 0 ? .cancelled : .planned, note: day % 2 == 0 ? "n\u{e9}e \"\(index)\"" : ""))
                if (index + day) % 5 == 0 {
                    let late = start.addingTimeInterval(TimeInterval((hours - 1) * 3_600))
                    shifts.append(
                        Shift(
                            id: UUID(), employeeID: employee.id, missionID: inside.id, siteID: UUID(), start: late, end: late.addingTimeInterval(14 * 3_600),
                            breakMinutes: 0, status: .confirmed, note: ""))
                }
            }
        }
        return (employees, shifts.shuffled(), [inside.id: inside, ended.id: ended])
    }

    @Test(arguments: [0, 1, 15, 16, 17, 48, 101])
    func theWeeksJSONIsTheAssembledWeeksBytes(employees count: Int) async throws {
        let (employees, shifts, missions) = Self.week(employees: count)
        let assembled = PlanningWeek.assemble(
            weekStart: Self.monday, organization: Self.organization, employees: employees, shifts: shifts, missions: missions)
        let written = await PlanningWeek.json(
            weekStart: Self.monday, organization: Self.organization, employees: employees, shifts: shifts, missions: missions)
        #expect(written == assembled.jsonData())
        #expect(assembled.rows.count == count)
        if count > 10 {
            // The week judged rules and counted time in both halves, so the comparison covered them.
            #expect(assembled.rows.prefix(count / 2).contains { !$0.violations.isEmpty })
            #expect(assembled.rows.suffix(count - count / 2).contains { !$0.violations.isEmpty })
            #expect(assembled.totalMinutes > 0)
        }
    }
}
