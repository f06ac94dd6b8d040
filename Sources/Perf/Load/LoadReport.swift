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

    /// A product target against this run's figure.
    public struct Target: Sendable, Codable {
        public enum Relation: String, Sendable, Codable {
            case below = "<", atMost = "<=", atLeast = ">="

            func holds(_ actual: Double, _ goal: Double) -> Bool {
                switch self {
                case .below: actual < goal
                case .atMost: actual <= goal
                case .atLeast: actual >= goal
                }
            }
        }

        public var name: String
        public var relation: Relation
        public var goal: Double
        public var actual: Double
        public var met: Bool

        init(_ name: String, _ relation: Relation, _ goal: Double, actual: Double) {
            self.name = name
            self.relation = relation
            self.goal = goal
            self.actual = actual
            self.met = relation.holds(actual, goal)
        }
    }

    public var generatedAt = Date()
    public var dataset: Summary
    public var measurements: [Measurement]
    public var planningWeekSQLMilliseconds: Double
    /// One commit with its WAL flush, measured right after the writes (pgbench, one connection); nil
    /// in reports written before it was measured.
    public var commitMilliseconds: Double?
    /// The rounds of the one-connection week and its raw SQL, in the order measured; empty in reports
    /// written before rounds were kept.
    public var rounds: [Round]
    public var checks: [Check]
    /// How much slower than the budgets' reference machine this run measured its machine (the static
    /// route's throughput): the factor its limits were widened by, 1 when not. See
    /// ``LoadBudgets/Run/referenceStaticRPS``.
    public var slowdown: Double
    /// The product's targets (``LoadBudgets/Targets``): reported, not part of ``passed``.
    public var targets: [Target]
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
        case slowdown, targets, rounds
    }

    public init(
        budgets: LoadBudgets, dataset: LoadDataset, measurements: [Measurement], planningWeekSQLMilliseconds: Double,
        commitMilliseconds: Double? = nil, rounds: [Round] = []
    ) {
        self.dataset = Summary(employees: dataset.employees, shifts: dataset.shifts, planningWeekEmployees: dataset.teamEmployees)
        self.measurements = measurements
        self.planningWeekSQLMilliseconds = planningWeekSQLMilliseconds
        self.commitMilliseconds = commitMilliseconds
        self.rounds = rounds
        let staticRPS = Self.result(measurements, "static", .baseline)?.rps ?? 0
        self.slowdown = budgets.run.slowdown(staticRPS: staticRPS)
        let sql = planningWeekSQLMilliseconds
        self.checks = Self.checks(budgets: budgets, measurements: measurements, sql: sql, rounds: rounds, slowdown: slowdown)
        self.targets = budgets.targets.map { Self.targets($0, measurements: measurements, sql: sql, rounds: rounds) } ?? []
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        generatedAt = try c.decode(Date.self, forKey: .generatedAt)
        dataset = try c.decode(Summary.self, forKey: .dataset)
        measurements = try c.decode([Measurement].self, forKey: .measurements)
        planningWeekSQLMilliseconds = try c.decode(Double.self, forKey: .planningWeekSQLMilliseconds)
        commitMilliseconds = try c.decodeIfPresent(Double.self, forKey: .commitMilliseconds)
        rounds = try c.decodeIfPresent([Round].self, forKey: .rounds) ?? []
        checks = try c.decode([Check].self, forKey: .checks)
        // Reports written before these were measured still read (the perf gate reads the last one).
        slowdown = try c.decodeIfPresent(Double.self, forKey: .slowdown) ?? 1
        targets = try c.decodeIfPresent([Target].self, forKey: .targets) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(generatedAt, forKey: .generatedAt)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(measurements, forKey: .measurements)
        try c.encode(planningWeekSQLMilliseconds, forKey: .planningWeekSQLMilliseconds)
        try c.encodeIfPresent(commitMilliseconds, forKey: .commitMilliseconds)
        try c.encode(rounds, forKey: .rounds)
        try c.encode(checks, forKey: .checks)
        try c.encode(slowdown, forKey: .slowdown)
        try c.encode(targets, forKey: .targets)
        try c.encode(passed, forKey: .passed)
    }

    /// The measurement of `endpoint` in `mode`.
    static func result(_ measurements: [Measurement], _ endpoint: String, _ mode: Mode) -> K6.Result? {
        measurements.first { $0.endpoint == endpoint && $0.mode == mode }?.result
    }

    /// The uncached planning week (one connection) over its raw SQL, and over the same week with one week
    /// of rows in the tables; nil when a figure is missing. From the rounds (``ratios(of:)``) when the
    /// run kept them, else from the median figures.
    static func planningWeekRatios(_ measurements: [Measurement], sql: Double, rounds: [Round] = []) -> (toSQL: Double?, rowsGrowth: Double?) {
        if !rounds.isEmpty { return ratios(of: rounds) }
        let single = result(measurements, "planning_week", .uncachedSingle)
        let few = result(measurements, "planning_week", .uncachedSingleFewerRows)
        let toSQL = single.flatMap { sql > 0 ? $0.p50Milliseconds / sql : nil }
        let growth = single.flatMap { many in few.flatMap { $0.p50Milliseconds > 0 ? many.p50Milliseconds / $0.p50Milliseconds : nil } }
        return (toSQL, growth)
    }

    /// Budgets apply to the cached measurements of reads, to writes, and to the static baseline. The
    /// latency limits of all but the static route are multiplied by `slowdown`, their throughput
    /// minimums divided by it; ratios to the same run's figures need no such allowance.
    static func checks(
        budgets: LoadBudgets, measurements: [Measurement], sql: Double, rounds: [Round] = [], slowdown: Double = 1
    ) -> [Check] {
        var checks: [Check] = []
        let staticRPS = result(measurements, "static", .baseline)?.rps ?? 0
        for m in measurements where m.mode.hasBudget {
            guard let budget = budgets.endpoints[m.endpoint] else { continue }
            let r = m.result
            let factor = m.endpoint == "static" ? 1 : slowdown
            let p95 = budget.p95Milliseconds * factor
            let p99 = budget.p99Milliseconds * factor
            let rps = budget.rps / factor
            let name = m.endpoint
            let (p95Actual, p99Actual) = (r.p95Milliseconds, r.p99Milliseconds)
            checks.append(Check(name: "\(name) p95 ms", limit: p95, actual: p95Actual, passed: p95Actual <= p95))
            checks.append(Check(name: "\(name) p99 ms", limit: p99, actual: p99Actual, passed: p99Actual <= p99))
            checks.append(Check(name: "\(m.endpoint) rps", limit: rps, actual: r.rps, passed: r.rps >= rps))
            checks.append(Check(name: "\(m.endpoint) error rate", limit: budget.errorRate, actual: r.errorRate, passed: r.errorRate <= budget.errorRate))
            if let ratio = budget.cachedToStaticRPS, staticRPS > 0 {
                let actual = r.rps / staticRPS
                checks.append(Check(name: "\(m.endpoint) rps / static rps", limit: ratio, actual: actual, passed: actual >= ratio))
            }
        }
        let ratios = planningWeekRatios(measurements, sql: sql, rounds: rounds)
        if let limit = budgets.endpoints["planning_week"]?.uncachedToSQL, let actual = ratios.toSQL {
            checks.append(Check(name: "planning_week uncached p50 / raw SQL", limit: limit, actual: actual, passed: actual <= limit))
        }
        if let limit = budgets.endpoints["planning_week"]?.rowsGrowth, let actual = ratios.rowsGrowth {
            checks.append(Check(name: "planning_week uncached p50, all rows / one week of rows", limit: limit, actual: actual, passed: actual <= limit))
        }
        return checks
    }

    /// The targets against this run: each cached read's p95 and its throughput over the static route's,
    /// the uncached planning week over its raw SQL. A figure the run lacks is not reported.
    static func targets(_ targets: LoadBudgets.Targets, measurements: [Measurement], sql: Double, rounds: [Round] = []) -> [Target] {
        var list: [Target] = []
        let staticRPS = result(measurements, "static", .baseline)?.rps ?? 0
        for endpoint in ["planning_week", "employees", "shifts"] {
            guard let cached = result(measurements, endpoint, .cached) else { continue }
            let p95 = cached.p95Milliseconds
            list.append(Target("\(endpoint) cached p95 ms", .below, targets.cachedP95Milliseconds, actual: p95))
            if staticRPS > 0 {
                let ratio = cached.rps / staticRPS
                let goal = targets.cachedToStaticRPS
                list.append(Target("\(endpoint) cached rps / static rps", .atLeast, goal, actual: ratio))
            }
        }
        if let toSQL = planningWeekRatios(measurements, sql: sql, rounds: rounds).toSQL {
            list.append(Target("planning_week uncached p50 / raw SQL", .atMost, targets.uncachedToSQL, actual: toSQL))
        }
        return list
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
        let ratios = Self.planningWeekRatios(measurements, sql: planningWeekSQLMilliseconds, rounds: rounds)
        let ofRounds = rounds.isEmpty ? "" : " (median of the rounds' ratios)"
        if let toSQL = ratios.toSQL { lines.append("| planning_week uncached p50 / raw SQL\(ofRounds) | \(f(toSQL)) |") }
        if let growth = ratios.rowsGrowth {
            lines.append("| planning_week uncached p50, all rows / one week of rows (same week shown)\(ofRounds) | \(f(growth)) |")
        }
        if !rounds.isEmpty {
            lines += [
                "", "Rounds of the one-connection week (uncached), one right after the other:", "",
                "| round | week p50 ms | one week of rows p50 ms | raw SQL ms | week / raw SQL |",
                "| ---: | ---: | ---: | ---: | ---: |",
            ]
            for (index, round) in rounds.enumerated() {
                let fewer = round.fewerRowsMilliseconds.map(f) ?? "-"
                let ratio = round.toSQL.map(f) ?? "-"
                lines.append("| \(index + 1) | \(f(round.weekMilliseconds)) | \(fewer) | \(f(round.sqlMilliseconds)) | \(ratio) |")
            }
        }
        if slowdown > 1 {
            lines += [
                "",
                "The static route made fewer rps than the budgets' reference (`run.reference_static_rps`): "
                    + "a slower machine. The latency limits below are widened and the throughput minimums "
                    + "lowered \(f(slowdown)) times (the static route's own are not).",
            ]
        }
        lines += ["", "| check | limit | actual | result |", "| --- | ---: | ---: | --- |"]
        for c in checks { lines.append("| \(c.name) | \(f(c.limit)) | \(f(c.actual)) | \(c.passed ? "pass" : "FAIL") |") }
        lines += ["", passed ? "All budgets met." : "Budgets exceeded: \(checks.filter { !$0.passed }.map(\.name).joined(separator: ", "))."]
        if !targets.isEmpty {
            lines += [
                "", "## Targets (step 33)", "", "Reported, not gated: the budgets above guard against regressions.", "",
                "| target | goal | actual | result |", "| --- | ---: | ---: | --- |",
            ]
            for t in targets {
                let goal = "\(t.relation.rawValue) \(f(t.goal))"
                lines.append("| \(t.name) | \(goal) | \(f(t.actual)) | \(t.met ? "met" : "MISSED") |")
            }
            let missed = targets.filter { !$0.met }.count
            lines += ["", missed == 0 ? "All targets met." : "\(missed) of \(targets.count) targets missed."]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
