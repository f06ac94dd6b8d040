import Domain
import Foundation

/// One load run: every measurement, the checks against the budgets, and the machine's limits.
public struct LoadReport: Sendable, Codable {
    public enum Mode: String, Sendable, Codable {
        case baseline, cached, uncached, write
        case uncachedSingle = "uncached_1_connection"
        /// The same week in an organisation with the same people and one week of shifts instead of all.
        case uncachedSingleFewerRows = "uncached_1_connection_1_week_of_rows"

        /// Uncached runs carry no budget of their own: they are measured for the ratios.
        var hasBudget: Bool { ![.uncached, .uncachedSingle, .uncachedSingleFewerRows].contains(self) }
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
    /// One commit with its WAL flush, measured right after the writes (pgbench, one connection); nil
    /// in reports written before it was measured.
    public var commitMilliseconds: Double?
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
        case commitMilliseconds = "commit_ms"
    }

    public init(budgets: LoadBudgets, dataset: LoadDataset, measurements: [Measurement], planningWeekSQLMilliseconds: Double, commitMilliseconds: Double? = nil) {
        self.dataset = Summary(employees: dataset.employees, shifts: dataset.shifts, planningWeekEmployees: dataset.teamEmployees)
        self.measurements = measurements
        self.planningWeekSQLMilliseconds = planningWeekSQLMilliseconds
        self.commitMilliseconds = commitMilliseconds
        self.checks = Self.checks(budgets: budgets, measurements: measurements, sql: planningWeekSQLMilliseconds)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        generatedAt = try c.decode(Date.self, forKey: .generatedAt)
        dataset = try c.decode(Summary.self, forKey: .dataset)
        measurements = try c.decode([Measurement].self, forKey: .measurements)
        planningWeekSQLMilliseconds = try c.decode(Double.self, forKey: .planningWeekSQLMilliseconds)
        commitMilliseconds = try c.decodeIfPresent(Double.self, forKey: .commitMilliseconds)
        checks = try c.decode([Check].self, forKey: .checks)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(generatedAt, forKey: .generatedAt)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(measurements, forKey: .measurements)
        try c.encode(planningWeekSQLMilliseconds, forKey: .planningWeekSQLMilliseconds)
        try c.encodeIfPresent(commitMilliseconds, forKey: .commitMilliseconds)
        try c.encode(checks, forKey: .checks)
        try c.encode(passed, forKey: .passed)
    }

    /// The measurement of `endpoint` in `mode`.
    static func result(_ measurements: [Measurement], _ endpoint: String, _ mode: Mode) -> K6.Result? {
        measurements.first { $0.endpoint == endpoint && $0.mode == mode }?.result
    }

    /// The uncached planning week (one connection) over its raw SQL, and over the same week with one week
    /// of rows in the tables; nil when a figure is missing.
    static func planningWeekRatios(_ measurements: [Measurement], sql: Double) -> (toSQL: Double?, rowsGrowth: Double?) {
        let single = result(measurements, "planning_week", .uncachedSingle)
        let few = result(measurements, "planning_week", .uncachedSingleFewerRows)
        let toSQL = single.flatMap { sql > 0 ? $0.p50Milliseconds / sql : nil }
        let growth = single.flatMap { many in few.flatMap { $0.p50Milliseconds > 0 ? many.p50Milliseconds / $0.p50Milliseconds : nil } }
        return (toSQL, growth)
    }

    /// Budgets apply to the cached measurements of reads, to writes, and to the static baseline.
    static func checks(budgets: LoadBudgets, measurements: [Measurement], sql: Double) -> [Check] {
        var checks: [Check] = []
        let staticRPS = result(measurements, "static", .baseline)?.rps ?? 0
        for m in measurements where m.mode.hasBudget {
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
        let ratios = planningWeekRatios(measurements, sql: sql)
        if let limit = budgets.endpoints["planning_week"]?.uncachedToSQL, let actual = ratios.toSQL {
            checks.append(Check(name: "planning_week uncached p50 / raw SQL", limit: limit, actual: actual, passed: actual <= limit))
        }
        if let limit = budgets.endpoints["planning_week"]?.rowsGrowth, let actual = ratios.rowsGrowth {
            checks.append(Check(name: "planning_week uncached p50, all rows / one week of rows", limit: limit, actual: actual, passed: actual <= limit))
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
        let staticRPS = Self.result(measurements, "static", .baseline)?.rps ?? 0
        var limits = "Machine limits: static route \(f(staticRPS)) rps; raw SQL of the planning week (pgbench median, one connection, in rounds beside the one-connection weeks) \(f(planningWeekSQLMilliseconds)) ms"
        if let commitMilliseconds { limits += "; one commit with its WAL flush, right after the writes \(f(commitMilliseconds)) ms" }
        lines += ["", limits + ".", ""]
        lines += ["| ratio | value |", "| --- | ---: |"]
        for endpoint in ["planning_week", "employees", "shifts"] {
            let cached = Self.result(measurements, endpoint, .cached)
            let uncached = Self.result(measurements, endpoint, .uncached)
            if let cached, staticRPS > 0 { lines.append("| \(endpoint) cached rps / static rps | \(f(cached.rps / staticRPS)) |") }
            if let cached, let uncached, uncached.rps > 0 { lines.append("| \(endpoint) cached rps / uncached rps | \(f(cached.rps / uncached.rps)) |") }
        }
        if let commitMilliseconds, commitMilliseconds > 0, let writes = Self.result(measurements, "shift_create", .write) {
            lines.append("| shift_create p50 / one commit | \(f(writes.p50Milliseconds / commitMilliseconds)) |")
        }
        let ratios = Self.planningWeekRatios(measurements, sql: planningWeekSQLMilliseconds)
        if let toSQL = ratios.toSQL { lines.append("| planning_week uncached p50 / raw SQL | \(f(toSQL)) |") }
        if let growth = ratios.rowsGrowth {
            lines.append("| planning_week uncached p50, all rows / one week of rows (same week shown) | \(f(growth)) |")
        }
        lines += ["", "| check | limit | actual | result |", "| --- | ---: | ---: | --- |"]
        for c in checks { lines.append("| \(c.name) | \(f(c.limit)) | \(f(c.actual)) | \(c.passed ? "pass" : "FAIL") |") }
        lines += ["", passed ? "All budgets met." : "Budgets exceeded: \(checks.filter { !$0.passed }.map(\.name).joined(separator: ", "))."]
        return lines.joined(separator: "\n") + "\n"
    }
}
