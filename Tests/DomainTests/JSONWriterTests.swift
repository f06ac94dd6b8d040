import Domain
import Foundation
import Testing

/// The direct JSON of the large answers says exactly what `JSONEncoder` says of the same values.
@Suite struct JSONWriterTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func sameJSON(_ value: some JSONWritable) throws -> Bool {
        let ours = try JSONSerialization.jsonObject(with: Data(value.jsonBytes()))
        let theirs = try JSONSerialization.jsonObject(with: try encoder.encode(value))
        return NSArray(array: [ours]).isEqual(NSArray(array: [theirs]))
    }

    static func shift(_ employee: UUID, _ start: TimeInterval, note: String) -> Shift {
        Shift(
            id: UUID(), employeeID: employee, missionID: UUID(), siteID: UUID(), start: Date(timeIntervalSince1970: start),
            end: Date(timeIntervalSince1970: start + 8 * 3_600), breakMinutes: 45, status: .confirmed, note: note)
    }

    @Test func aPlanningWeekIsWrittenAsJSONEncoderWritesIt() throws {
        let tricky = "caf\u{e9} \"quoted\" back\\slash / slash\n\t\r\u{8}\u{c}\u{1} \u{1F600} <tag>"
        let alice = Employee(
            id: UUID(), name: tricky, email: "a@x.test", teamID: UUID(), siteID: nil, weeklyContractMinutes: 2_100, hourlyCostCents: -5,
            active: true)
        let bob = Employee(id: UUID(), name: "Bob", email: "b@x.test", teamID: nil, siteID: UUID(), weeklyContractMinutes: 0, hourlyCostCents: 0, active: false)
        let monday = LocalDate(year: 2026, month: 11, day: 23)
        let shifts = [
            Self.shift(alice.id, 1_795_420_800, note: tricky), Self.shift(alice.id, 1_795_507_200.75, note: ""), Self.shift(bob.id, -86_399.5, note: "x"),
            Self.shift(bob.id, -11_676_096_000, note: "1600"),
        ]
        let violation = RuleViolation(
            rule: .dailyRest, severity: .warning, employeeID: alice.id, shiftIDs: shifts.prefix(2).map(\.id), date: monday,
            figures: ["rest_minutes": 600, "min_rest_minutes": 660, "\u{e9}": -1], message: tricky)
        let undated = RuleViolation(rule: .weeklyMax, severity: .blocking, employeeID: bob.id, shiftIDs: [], date: nil, figures: [:], message: "")
        let week = PlanningWeek(
            weekStart: monday, timeZone: "Europe/Paris", days: (0..<7).map { monday.adding(days: $0) },
            rows: [
                .init(
                    employee: alice, days: [.init(date: monday, shifts: Array(shifts.prefix(2)), workedMinutes: 870)], weekMinutes: 870,
                    contractMinutes: 2_100, deltaMinutes: -1_230, overtime: Overtime(workedMinutes: 2_700, rules: .default), violations: [violation]),
                .init(
                    employee: bob, days: [.init(date: monday, shifts: [shifts[2], shifts[3]], workedMinutes: 0)], weekMinutes: 0, contractMinutes: 0,
                    deltaMinutes: 0, overtime: Overtime(workedMinutes: 0, rules: .default), violations: [undated]),
            ],
            dayTotals: [870, 0, 0, 0, 0, 0, Int.min + 1], totalMinutes: Int.max)
        #expect(try Self.sameJSON(week))
        // The same bytes handed over as Data, through every growth of the buffer from its smallest size.
        #expect(week.jsonData(capacity: 1) == Data(week.jsonBytes(capacity: 1 << 20)))
        #expect(try Self.sameJSON(Page(items: [alice, bob], nextCursor: "abc")))
        #expect(try Self.sameJSON(Page(items: shifts, nextCursor: nil)))
        #expect(try Self.sameJSON(Page<Shift>(items: [], nextCursor: nil)))
        // The same bytes for UUIDs and instants as the encoder, not only the same values.
        let text = String(decoding: shifts[0].jsonBytes(), as: UTF8.self)
        #expect(text.contains("\"id\":\"\(shifts[0].id.uuidString)\""))
        #expect(text.contains("\"start\":\"2026-11-23T08:00:00Z\""))
    }

    /// A violation's figures are written by name, so the same answer is the same bytes in every
    /// process (a dictionary's own order follows its per-process hash seed).
    @Test func aViolationsFiguresAreWrittenInNameOrder() {
        let names = ["weekly_max_minutes", "rest_minutes", "overtime_minutes", "a", "tier50_minutes", "min_rest_minutes", "z", "day"]
        let figures = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let violation = RuleViolation(
            rule: .dailyRest, severity: .warning, employeeID: UUID(), shiftIDs: [], date: nil, figures: figures, message: "m")
        let text = String(decoding: violation.jsonBytes(), as: UTF8.self)
        let expected = names.sorted().map { name in "\"\(name)\":\(figures[name]!)" }.joined(separator: ",")
        #expect(text.contains("\"figures\":{\(expected)}"), "\(text)")
    }
}
