import Benchmark
import Domain
import Foundation
import Perf

/// A realistic week for one site: 200 employees, five 8 h shifts each, a few of them breaking rules,
/// so the rule engine does its full work. Built once, outside the measured loop.
struct WeekFixture {
    let organization: Organization
    let employees: [Employee]
    let shifts: [Shift]
    let missions: [UUID: Mission]
    let monday = LocalDate(year: 2026, month: 3, day: 23)  // Europe/Paris changes to summer time that Sunday

    init(employeeCount: Int) {
        var generator = SystemRandomNumberGenerator()
        func id() -> UUID { UUID() }
        organization = Organization(
            id: id(), slug: "bench", name: "Bench", timeZone: "Europe/Paris", locale: "fr", rules: .default)
        let site = id()
        let mission = Mission(
            id: id(), client: "Client", name: "Mission", siteID: site,
            startDate: LocalDate(year: 2026, month: 1, day: 1), endDate: LocalDate(year: 2026, month: 12, day: 31),
            budgetCents: 50_000_000, billingRateCents: 6_500)
        missions = [mission.id: mission]
        let zone = TimeZone(identifier: "Europe/Paris")!
        var employees: [Employee] = []
        var shifts: [Shift] = []
        for index in 0..<employeeCount {
            let employee = Employee(
                id: id(), name: "Employee \(index)", email: "e\(index)@bench.example.com", teamID: nil, siteID: site,
                weeklyContractMinutes: 2_100, hourlyCostCents: 2_500, active: true)
            employees.append(employee)
            // One in ten works a long sixth day: weekly maximum, overtime tiers and short rest all fire.
            let days = index % 10 == 0 ? 6 : 5
            for day in 0..<days {
                let start = monday.adding(days: day).startInstant(in: zone)
                    .addingTimeInterval(Double(8 * 3_600 + Int.random(in: 0...3, using: &generator) * 900))
                let hours = index % 10 == 0 ? 11.0 : 8.5
                shifts.append(
                    Shift(
                        id: id(), employeeID: employee.id, missionID: mission.id, siteID: site, start: start,
                        end: start.addingTimeInterval(hours * 3_600), breakMinutes: 30, status: .planned, note: ""))
            }
        }
        self.employees = employees
        self.shifts = shifts
    }

    func assemble() -> PlanningWeek {
        PlanningWeek.assemble(
            weekStart: monday, organization: organization, employees: employees, shifts: shifts, missions: missions)
    }
}

// Names carry no spaces: `thresholds update` writes files with underscores, `thresholds check` reads them
// back by the plain name.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        // Wall clock and allocations only: CPU time is counted in 10 ms ticks here, too coarse to hold a budget.
        metrics: [.wallClock, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 200,
        thresholds: [
            // Allocation counts are stable from run to run; time is not, so its budget is wide.
            .mallocCountTotal: .init(relative: [.p50: 5.0, .p90: 5.0]),
            .wallClock: .init(relative: [.p50: 50.0, .p90: 75.0]),
        ]
    )

    Benchmark("PlanningWeekAssemble200") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.assemble())
        }
    } setup: {
        WeekFixture(employeeCount: 200)
    }

    Benchmark("RuleEngineWeek200") { benchmark, fixture in
        let engine = RuleEngine(rules: fixture.organization.rules, timeZone: fixture.organization.zone)
        var byEmployee: [UUID: [Shift]] = [:]
        for shift in fixture.shifts { byEmployee[shift.employeeID, default: []].append(shift) }
        for _ in benchmark.scaledIterations {
            for employee in fixture.employees {
                blackHole(engine.evaluate(byEmployee[employee.id] ?? [], context: .init(employee: employee, missions: fixture.missions)))
            }
        }
    } setup: {
        WeekFixture(employeeCount: 200)
    }

    Benchmark("CacheKeyOfAListRequest") { benchmark in
        let scope = AccessScope.units(sites: [UUID(), UUID()], teams: [UUID()])
        let query = "active=true&limit=100&q=mar&site_id=\(UUID().uuidString)"
        for _ in benchmark.scaledIterations {
            blackHole(ReadCache.digest("\(query)|\(scope.cacheKey)"))
        }
    }

    // A miss: the week written as JSON, stored in Redis as a string and kept in the process
    // (later hits send the kept bytes and cost no encoding at all).
    Benchmark("CacheEntryRoundTripWeek50") { benchmark, week in
        for _ in benchmark.scaledIterations {
            let data = week.jsonData(capacity: 64 * 1024)
            blackHole(String(decoding: data, as: UTF8.self))
            blackHole(data)
        }
    } setup: {
        WeekFixture(employeeCount: 50).assemble()
    }

    // The week as the API sends it (JSONWriter).
    Benchmark("PlanningWeekJSONEncoding200") { benchmark, week in
        for _ in benchmark.scaledIterations {
            blackHole(week.jsonBytes(capacity: 64 * 1024))
        }
    } setup: {
        WeekFixture(employeeCount: 200).assemble()
    }

    // The same JSON through Foundation's JSONEncoder, the reference JSONWriter is measured against.
    Benchmark("PlanningWeekJSONEncoderFoundation200") { benchmark, week in
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        for _ in benchmark.scaledIterations {
            blackHole(try encoder.encode(week))
        }
    } setup: {
        WeekFixture(employeeCount: 200).assemble()
    }
}
