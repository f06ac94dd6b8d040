/// The planning rules an organisation applies: thresholds and, per rule, its severity.
/// Defaults follow the French labour code; an organisation may relax or tighten any of them.
public struct PlanningRules: Sendable, Codable, Equatable {
    public var minRestMinutes: Int
    public var maxDailyMinutes: Int
    public var maxWeeklyMinutes: Int
    /// Weekly time above which hours are overtime (35 h).
    public var overtimeThresholdMinutes: Int
    /// Weekly time up to which overtime is paid +25%; above it +50% (43 h).
    public var overtimeTier1LimitMinutes: Int
    /// Severity per rule; a rule missing here takes its default.
    public var severities: [RuleID: RuleSeverity]

    public init(
        minRestMinutes: Int = 11 * 60, maxDailyMinutes: Int = 10 * 60, maxWeeklyMinutes: Int = 48 * 60,
        overtimeThresholdMinutes: Int = 35 * 60, overtimeTier1LimitMinutes: Int = 43 * 60,
        severities: [RuleID: RuleSeverity] = [:]
    ) {
        self.minRestMinutes = minRestMinutes
        self.maxDailyMinutes = maxDailyMinutes
        self.maxWeeklyMinutes = maxWeeklyMinutes
        self.overtimeThresholdMinutes = overtimeThresholdMinutes
        self.overtimeTier1LimitMinutes = overtimeTier1LimitMinutes
        self.severities = severities
    }

    public static let `default` = PlanningRules()

    /// The severity in force for a rule.
    public func severity(of rule: RuleID) -> RuleSeverity {
        severities[rule] ?? rule.defaultSeverity
    }

    /// Refuses thresholds that make no sense (negative, longer than the period they bound).
    public func validate() throws(DomainError) {
        func check(_ value: Int, _ range: ClosedRange<Int>, _ field: String) throws(DomainError) {
            guard range.contains(value) else {
                throw .invalid(field, "\(field) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            }
        }
        try check(minRestMinutes, 0...(24 * 60), "min_rest_minutes")
        try check(maxDailyMinutes, 60...(24 * 60), "max_daily_minutes")
        try check(maxWeeklyMinutes, 60...(7 * 24 * 60), "max_weekly_minutes")
        try check(overtimeThresholdMinutes, 0...(7 * 24 * 60), "overtime_threshold_minutes")
        try check(overtimeTier1LimitMinutes, overtimeThresholdMinutes...(7 * 24 * 60), "overtime_tier1_limit_minutes")
    }

    enum CodingKeys: String, CodingKey {
        case severities
        case minRestMinutes = "min_rest_minutes"
        case maxDailyMinutes = "max_daily_minutes"
        case maxWeeklyMinutes = "max_weekly_minutes"
        case overtimeThresholdMinutes = "overtime_threshold_minutes"
        case overtimeTier1LimitMinutes = "overtime_tier1_limit_minutes"
    }

    /// Missing keys take their defaults, so a stored override holds only what differs.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = PlanningRules.default
        minRestMinutes = try c.decodeIfPresent(Int.self, forKey: .minRestMinutes) ?? d.minRestMinutes
        maxDailyMinutes = try c.decodeIfPresent(Int.self, forKey: .maxDailyMinutes) ?? d.maxDailyMinutes
        maxWeeklyMinutes = try c.decodeIfPresent(Int.self, forKey: .maxWeeklyMinutes) ?? d.maxWeeklyMinutes
        overtimeThresholdMinutes =
            try c.decodeIfPresent(Int.self, forKey: .overtimeThresholdMinutes) ?? d.overtimeThresholdMinutes
        overtimeTier1LimitMinutes =
            try c.decodeIfPresent(Int.self, forKey: .overtimeTier1LimitMinutes) ?? d.overtimeTier1LimitMinutes
        let raw = try c.decodeIfPresent([String: RuleSeverity].self, forKey: .severities) ?? [:]
        var severities: [RuleID: RuleSeverity] = [:]
        for (key, value) in raw {
            guard let rule = RuleID(rawValue: key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .severities, in: c, debugDescription: "unknown rule '\(key)'")
            }
            severities[rule] = value
        }
        self.severities = severities
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(minRestMinutes, forKey: .minRestMinutes)
        try c.encode(maxDailyMinutes, forKey: .maxDailyMinutes)
        try c.encode(maxWeeklyMinutes, forKey: .maxWeeklyMinutes)
        try c.encode(overtimeThresholdMinutes, forKey: .overtimeThresholdMinutes)
        try c.encode(overtimeTier1LimitMinutes, forKey: .overtimeTier1LimitMinutes)
        try c.encode(
            Dictionary(uniqueKeysWithValues: severities.map { ($0.key.rawValue, $0.value) }), forKey: .severities)
    }
}

/// The planning rules the engine knows.
public enum RuleID: String, Sendable, Codable, CaseIterable, Comparable {
    case overlap
    case dailyRest = "daily_rest"
    case dailyMax = "daily_max"
    case weeklyMax = "weekly_max"
    case missionDates = "mission_dates"
    case employeeActive = "employee_active"
    case contractHours = "contract_hours"
    case overtime

    public var defaultSeverity: RuleSeverity {
        switch self {
        case .contractHours, .overtime: .warning
        default: .blocking
        }
    }

    public static func < (lhs: RuleID, rhs: RuleID) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum RuleSeverity: String, Sendable, Codable, CaseIterable {
    /// The change is refused.
    case blocking
    /// The change is accepted and the violation reported.
    case warning
    /// The rule is not evaluated.
    case off
}

/// One rule broken by a planning: machine-readable (rule, shifts, figures) with an English message.
public struct RuleViolation: Sendable, Codable, Equatable {
    public var rule: RuleID
    public var severity: RuleSeverity
    public var employeeID: UUID
    /// The shifts involved, in start order.
    public var shiftIDs: [UUID]
    /// The local day or the Monday of the week the violation concerns, when it concerns one.
    public var date: LocalDate?
    /// The figures behind the verdict, in minutes (`rest_minutes`, `min_rest_minutes`, ...).
    public var figures: [String: Int]
    public var message: String

    public init(
        rule: RuleID, severity: RuleSeverity, employeeID: UUID, shiftIDs: [UUID], date: LocalDate?,
        figures: [String: Int], message: String
    ) {
        self.rule = rule
        self.severity = severity
        self.employeeID = employeeID
        self.shiftIDs = shiftIDs
        self.date = date
        self.figures = figures
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case rule, severity, date, figures, message
        case employeeID = "employee_id"
        case shiftIDs = "shift_ids"
    }
}

import Foundation
