import Domain
import Foundation

/// One load run: every measurement, the checks against the budgets, and the machine's limits.
public struct LoadReport: Sendable, Codable {
    public enum Mode: String, Sendable, Codable {
        case baseline, cached, uncached, write
        case uncachedSingle = "uncached_1_connection"
        /// The same week in an organisation with the same people and one week of shifts instead of all.
        case uncachedSingleFewerRows = "uncached_1_connection_1_week_of_rows"
    }

    public struct Measurement: Sendable, Codable {
        public var endpoint: String
        public var mode: Mode
        public var vus: Int
        public var result: K6.Result
        public init(endpoint: String, mode: Mode, vus: Int, result: K6.Result) {
            self.endpoint = endpoint
            self.mode = mode
            self.vus = vus
            self.result = result
        }
    }

    public struct Check: Sendable, Codable {
        public var name: String
        public var limit: Double
        public var actual: Double
        public var passed: Bool
    }

    public var generatedAt = Date()
    public var dataset: Summary
    public var measurements: [Measurement]
    public var planningWeekSQLMilliseconds: Double
    public var checks: [Check]
    public var passed: Bool { checks.allSatisfy(\.passed) }

    public struct Summary: Sendable, Codable {
        public var employees: Int
        public var shifts: Int
        public var planningWeekEmployees: Int
        enum CodingKeys: String, CodingKey {
            case employees, shifts
            case planningWeekEmployees = "planning_week_employees"
        }
    }

    enum CodingKeys: String, CodingKey {
        case dataset, measurements, checks, passed
        case generatedAt = "generated_at"
        case planningWeekSQLMilliseconds = "planning_week_sql_ms"
    }

    public init(budgets: LoadBudgets, dataset: LoadDataset, measurements: [Measurement], planningWeekSQLMilliseconds: Double) {
        self.dataset = Summary(employees: dataset.employees, shifts: dataset.shifts, planningWeekEmployees: dataset.teamEmployees)
        self.measurements = measurements
        self.planningWeekSQLMilliseconds = planningWeekSQLMilliseconds
        self.checks = Self.checks(budgets: budgets, measurements: measurements, sql: planningWeekSQLMilliseconds)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        generatedAt = try c.decode(Date.self, forKey: .generatedAt)
        dataset = try c.decode(Summary.self, forKey: .dataset)
        measurements = try c.decode([Measurement].self, forKey: .measurements)
        planningWeekSQLMilliseconds = try c.decode(Double.self, forKey: .planningWeekSQLMilliseconds)
        checks = try c.decode([Check].self, forKey: .checks)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(generatedAt, forKey: .generatedAt)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(measurements, forKey: .measurements)
        try c.encode(planningWeekSQLMilliseconds, forKey: .planningWeekSQLMilliseconds)
        try c.encode(checks, forKey: .checks)
        try c.encode(passed, forKey: .passed)
    }

    /// Budgets apply to the cached measurements of reads, to writes, and to the static baseline.
    static func checks(budgets: LoadBudgets, measurements: [Measurement], sql: Double) -> [Check] {
        var checks: [Check] = []
        let staticRPS = measurements.first { $0.endpoint == "static" }?.result.rps ?? 0
        for m in measurements where m.mode != .uncached && m.mode != .uncachedSingle && m.mode != .uncachedSingleFewerRows {
            guard let budget = budgets.endpoints[m.endpoint] else { continue }
            let r = m.result
            checks.append(Check(name: "\(m.endpoint) p95 ms", limit: budget.p95Milliseconds, actual: r.p95Milliseconds, passed: r.p95Milliseconds <= budget.p95Milliseconds))
            checks.append(Check(name: "\(m.endpoint) p99 ms", limit: budget.p99Milliseconds, actual: r.p99Milliseconds, passed: r.p99Milliseconds <= budget.p99Milliseconds))
            checks.append(Check(name: "\(m.endpoint) rps", limit: budget.rps, actual: r.rps, passed: r.rps >= budget.rps))
            checks.append(Check(name: "\(m.endpoint) error rate", limit: budget.errorRate, actual: r.errorRate, passed: r.errorRate <= budget.errorRate))
            if let ratio = budget.cachedToStaticRPS, staticRPS > 0 {
                let actual = r.rps / staticRPS
                checks.append(Check(name: "\(m.endpoint) rps / static rps", limit: ratio, actual: actual, passed: actual >= ratio))
            }
        }
        if let ratio = budgets.endpoints["planning_week"]?.uncachedToSQL,
            let single = measurements.first(where: { $0.endpoint == "planning_week" && $0.mode == .uncachedSingle }), sql > 0
        {
            let actual = single.result.p50Milliseconds / sql
            checks.append(Check(name: "planning_week uncached p50 / raw SQL", limit: ratio, actual: actual, passed: actual <= ratio))
        }
        if let growth = budgets.endpoints["planning_week"]?.rowsGrowth,
            let many = measurements.first(where: { $0.endpoint == "planning_week" && $0.mode == .uncachedSingle }),
            let few = measurements.first(where: { $0.endpoint == "planning_week" && $0.mode == .uncachedSingleFewerRows }),
            few.result.p50Milliseconds > 0
        {
            let actual = many.result.p50Milliseconds / few.result.p50Milliseconds
            checks.append(Check(name: "planning_week uncached p50, all rows / one week of rows", limit: growth, actual: actual, passed: actual <= growth))
        }
        return checks
    }

    /// A Markdown report: the measurements table, the machine's limits as ratios, the checks.
    public var markdown: String {
        func f(_ value: Double) -> String { String(format: value >= 100 ? "%.0f" : "%.2f", value) }
        var lines = [
            "# Load report", "",
            "Dataset: \(dataset.employees) employees, \(dataset.shifts) shifts; the planning week shows \(dataset.planningWeekEmployees) employees.", "",
            "| endpoint | mode | connections | p50 ms | p95 ms | p99 ms | rps | errors |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for m in measurements {
            let r = m.result
            lines.append("| \(m.endpoint) | \(m.mode.rawValue) | \(m.vus) | \(f(r.p50Milliseconds)) | \(f(r.p95Milliseconds)) | \(f(r.p99Milliseconds)) | \(f(r.rps)) | \(f(r.errorRate * 100)) % |")
        }
        let staticRPS = measurements.first { $0.endpoint == "static" }?.result.rps ?? 0
        lines += ["", "Machine limits: static route \(f(staticRPS)) rps; raw SQL of the planning week (pgbench, one connection) \(f(planningWeekSQLMilliseconds)) ms.", ""]
        lines += ["| ratio | value |", "| --- | ---: |"]
        for endpoint in ["planning_week", "employees", "shifts"] {
            let cached = measurements.first { $0.endpoint == endpoint && $0.mode == .cached }?.result
            let uncached = measurements.first { $0.endpoint == endpoint && $0.mode == .uncached }?.result
            if let cached, staticRPS > 0 { lines.append("| \(endpoint) cached rps / static rps | \(f(cached.rps / staticRPS)) |") }
            if let cached, let uncached, uncached.rps > 0 { lines.append("| \(endpoint) cached rps / uncached rps | \(f(cached.rps / uncached.rps)) |") }
        }
        if let single = measurements.first(where: { $0.mode == .uncachedSingle })?.result, planningWeekSQLMilliseconds > 0 {
            lines.append("| planning_week uncached p50 / raw SQL | \(f(single.p50Milliseconds / planningWeekSQLMilliseconds)) |")
        }
        if let many = measurements.first(where: { $0.mode == .uncachedSingle })?.result,
            let few = measurements.first(where: { $0.mode == .uncachedSingleFewerRows })?.result, few.p50Milliseconds > 0
        {
            lines.append("| planning_week uncached p50, all rows / one week of rows (same week shown) | \(f(many.p50Milliseconds / few.p50Milliseconds)) |")
        }
        lines += ["", "| check | limit | actual | result |", "| --- | ---: | ---: | --- |"]
        for c in checks { lines.append("| \(c.name) | \(f(c.limit)) | \(f(c.actual)) | \(c.passed ? "pass" : "FAIL") |") }
        lines += ["", passed ? "All budgets met." : "Budgets exceeded: \(checks.filter { !$0.passed }.map(\.name).joined(separator: ", "))."]
        return lines.joined(separator: "\n") + "\n"
    }
}
